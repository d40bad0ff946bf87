/** `npm start -- --persist`: data and the token key survive a restart; in-memory mode starts empty. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalPlatform } from '#infra/local/platform.ts';
import { freePort } from '#infra/local/ports.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { resetTokenVerifier } from '#shared/http/auth.ts';
import { resetAwsClients } from '#shared/platform/aws-clients.ts';
import { testAgencyCode } from '#tests/support/http.ts';

async function tokenOf(baseUrl: string, username: string): Promise<string> {
  const response = await fetch(`${baseUrl}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  return ((await response.json()) as { token: string }).token;
}

describe('local runtime persistence', () => {
  it('keeps agencies and the token signing key across a restart with a data folder', async () => {
    const savedEnv = { ...process.env };
    const dir = await mkdtemp(join(tmpdir(), 'vnpp-persist-'));
    const code = testAgencyCode();
    const port = await freePort(); // the same port twice, like npm start's 3000: the issuer URL includes it
    try {
      const first = await startLocalPlatform({
        port,
        persistDir: dir,
        logLevel: 'SILENT',
        prefix: 'persist-test',
        runSchedules: false,
      });
      const token = await tokenOf(first.baseUrl, 'admin.province');
      const created = await fetch(`${first.baseUrl}/v1/agencies`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code, name: 'Kept', level: 'commune', parentCode: demoAgencies.vinhYen }),
      });
      expect(created.status).toBe(201);
      await first.stop();
      expect((await readdir(dir)).sort()).toEqual(
        expect.arrayContaining(['dynamodb', 'issuer-key.pem', 's3']),
      );

      const second = await startLocalPlatform({
        port,
        persistDir: dir,
        logLevel: 'SILENT',
        prefix: 'persist-test',
        runSchedules: false,
      });
      try {
        // The token minted before the restart still verifies: same key.
        const read = await fetch(`${second.baseUrl}/v1/agencies/${code}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(read.status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      // This worker's other tests talk to the shared platform again.
      process.env = savedEnv;
      resetAwsClients();
      resetTokenVerifier();
    }
  }, 90_000);
});
