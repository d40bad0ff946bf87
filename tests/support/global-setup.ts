/**
 * Starts the local platform once for the integration and e2e tiers, on free ports, in memory.
 * The issuer's key goes to a temporary file so auth tests can sign tokens with unusual claims.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type LocalPlatform, startLocalPlatform } from '#infra/local/platform.ts';

let platform: LocalPlatform | undefined;
let keyDir: string | undefined;

export async function setup(project: TestProject) {
  keyDir = await mkdtemp(join(tmpdir(), 'vnpp-issuer-'));
  const issuerKeyFile = join(keyDir, 'issuer-key.pem');
  // Scheduled workers run on demand (POST /local/workers/<id>/run), never behind a test's back.
  platform = await startLocalPlatform({
    port: 0,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'SILENT',
    issuerKeyFile,
    runSchedules: false,
  });
  project.provide('baseUrl', platform.baseUrl);
  project.provide('platformEnv', platform.env);
  project.provide('issuerKeyFile', issuerKeyFile);
}

export async function teardown() {
  await platform?.stop();
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    platformEnv: Record<string, string>;
    issuerKeyFile: string;
  }
}
