/** Locations the CDK app needs: everything is relative to the repository root, wherever it runs from. */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where Lambda unpacks the bundle (`LAMBDA_TASK_ROOT`). */
export const LAMBDA_TASK_ROOT = '/var/task';
