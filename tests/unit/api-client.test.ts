/**
 * Issue 11: the typed client package (clients/typescript) is generated from the route table and
 * compiles. The lifecycle against the local runtime is in tests/e2e/api-client.test.ts.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateClientFiles } from '#infra/scripts/client-types.ts';

const run = promisify(execFile);

describe('typed API client', () => {
  it('has committed generated types equal to what the route table produces (npm run client:generate)', async () => {
    const files = await generateClientFiles();
    expect(Object.keys(files).length).toBe(2);
    for (const [file, expected] of Object.entries(files)) {
      const committed = await readFile(file, 'utf8').catch(() => '');
      expect(committed === expected, `${file} is stale: run npm run client:generate`).toBe(true);
    }
    // The types know the dossier lifecycle operation and its request body.
    expect(files['clients/typescript/src/schema.ts']).toContain('"/v1/dossiers/{id}/transitions"');
    expect(files['clients/typescript/src/schema.ts']).toContain('DossierTransition: {');
  });

  it('compiles with tsc: the package, its generated types and the worked example', async () => {
    const { stdout } = await run(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '-p', 'clients/typescript/tsconfig.json', '--noEmit'],
      { encoding: 'utf8' },
    ).catch((error: { stdout?: string }) => {
      throw new Error(`tsc failed:\n${error.stdout ?? String(error)}`);
    });
    expect(stdout).toBe('');
  }, 120_000);
});
