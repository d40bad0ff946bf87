/** Starts the local platform once for the integration and e2e tiers, on free ports, in memory. */
import type { TestProject } from 'vitest/node';
import { type LocalPlatform, startLocalPlatform } from '#infra/local/platform.ts';

let platform: LocalPlatform | undefined;

export async function setup(project: TestProject) {
  platform = await startLocalPlatform({ port: 0, logLevel: process.env.TEST_LOG_LEVEL ?? 'SILENT' });
  project.provide('baseUrl', platform.baseUrl);
  project.provide('platformEnv', platform.env);
}

export async function teardown() {
  await platform?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    platformEnv: Record<string, string>;
  }
}
