/**
 * Ops scripts (audit:verify, events:replay …) reach the same table and buckets as the API:
 * in AWS through the environment (TABLE_NAME, AUDIT_BUCKET, AWS credentials …); next to
 * `npm start` through `.local-data/runtime.json`, which the local runtime writes while it runs.
 */
import { readFile } from 'node:fs/promises';
import { ENV } from '#shared/platform/env.ts';

export const RUNTIME_FILE = '.local-data/runtime.json';

export async function loadRuntimeEnv(): Promise<'environment' | 'local'> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (process.env[ENV.tableName]) return 'environment';
  try {
    Object.assign(process.env, JSON.parse(await readFile(RUNTIME_FILE, 'utf8')));
    return 'local';
  } catch {
    throw new Error(
      `Set TABLE_NAME (and AWS credentials) or start the local platform first (npm start writes ${RUNTIME_FILE})`,
    );
  }
}
