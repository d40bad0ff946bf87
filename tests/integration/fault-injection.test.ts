/**
 * Fault injection (issue 10): every AWS SDK client of the platform (DynamoDB, S3, EventBridge) fails
 * a share of its requests with throttling, timeouts and transaction conflicts
 * (tests/support/fault-injection.ts, installed with the client hook of aws-clients.ts). Under it:
 * - a dossier goes from submission to result returned, driven by a client that retries a 503 as
 *   told; every 503 is a clean problem+json that wrote nothing (the dossier did not move), and the
 *   end state is exact: one dossier, each action once in its history, a sound audit chain;
 * - event publication loses nothing: every outbox event of the dossier reaches the bus;
 * - when DynamoDB refuses everything, requests fail with 503 and write nothing.
 *
 * Fault rate: FAULT_RATE (default 0.2; transactions also meet a conflict one time in two);
 * sequence: FAULT_SEED (default: random, printed in the suite's name).
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PutEventsRequestEntry } from '#infra/local/event-bus.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { listChainHeads, verifyStoredChain } from '#shared/audit/repository.ts';
import { outboxRecordsBetween } from '#shared/events/replay.ts';
import { setAwsClientHook } from '#shared/platform/aws-clients.ts';
import { faultInjector } from '#tests/support/fault-injection.ts';
import { type OwnPlatform, startOwnPlatform } from '#tests/support/own-platform.ts';
import { testProcedure } from '#tests/support/procedures.ts';

const RATE = Number(process.env.FAULT_RATE ?? 0.2);
const SEED = Number(process.env.FAULT_SEED ?? randomInt(2 ** 31));
const procedureCode = `VP-fault-${Date.now().toString(36)}`;

let platform: OwnPlatform;
const injector = faultInjector({ rate: RATE, seed: SEED, conflictRate: 0.5 });
/** Event ids that reached the bus. */
const delivered = new Set<string>();

beforeAll(async () => {
  platform = await startOwnPlatform({
    engines: 'external',
    prefix: `fault-${Date.now().toString(36)}`,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'SILENT',
  });
  const bus = platform.events.bus as { putEvents: typeof platform.events.bus.putEvents };
  const putEvents = bus.putEvents.bind(bus);
  bus.putEvents = async (entries: readonly PutEventsRequestEntry[]) => {
    const result = await putEvents(entries);
    entries.forEach((entry, i) => {
      if (result.Entries[i] && 'EventId' in result.Entries[i]!) {
        delivered.add((JSON.parse(entry.Detail ?? '{}') as { eventId: string }).eventId);
      }
    });
    return result;
  };
  const created = await platform.call('POST', '/v1/procedures', {
    as: 'admin.province',
    body: testProcedure({ code: procedureCode, name: 'Thủ tục chịu lỗi' }),
  });
  expect(created.status).toBe(201);
  setAwsClientHook(injector.hook);
}, 120_000);

afterAll(async () => {
  setAwsClientHook(undefined);
  await platform?.stop();
});

/** Runs `read` with faults off: the test's own checks are not under test. */
async function clean<T>(read: () => Promise<T>): Promise<T> {
  injector.enabled = false;
  try {
    return await read();
  } finally {
    injector.enabled = true;
  }
}

type Dossier = { id: string; status: string; version: number; code: string | null };
type Detail = { dossier: Dossier; history: { action: string }[] };

/** The dossier as its owner reads it (faults off); what a refused request must leave unchanged. */
const detailOf = async (id: string) =>
  (await clean(() => platform.call<Detail>('GET', `/v1/dossiers/${id}`, { as: 'citizen.an' }))).body;

const submission = {
  procedureCode,
  agencyCode: demoAgencies.tichSon,
  applicant: {
    kind: 'citizen',
    fullName: 'Nguyễn Văn An',
    identity: { idType: 'citizen-id', idNumber: '026090001234' },
  },
  form: { reason: 'Đề nghị xác nhận' },
  delivery: { method: 'online' },
};

describe(`under SDK faults (rate ${RATE}, seed ${SEED})`, () => {
  it('a dossier finishes with exact state; every 503 is clean and wrote nothing; no event is lost', async () => {
    const started = new Date();
    let unavailable = 0;

    /** A client that retries what the API says is temporary; a 503 must leave the dossier as it was. */
    async function retrying<T>(
      send: () => Promise<{ status: number; body: T; headers: Headers }>,
      expected: number,
      dossierId?: string,
    ): Promise<T> {
      for (let attempt = 1; attempt <= 20; attempt += 1) {
        const before = dossierId ? await detailOf(dossierId) : undefined;
        const response = await send();
        if (response.status !== 503) {
          expect(response.status, JSON.stringify(response.body)).toBe(expected);
          return response.body;
        }
        unavailable += 1;
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        if (dossierId) expect(await detailOf(dossierId), 'a 503 moved the dossier').toEqual(before);
      }
      throw new Error('still unavailable after 20 attempts');
    }

    const submitted = await retrying(
      () =>
        platform.call<Dossier>('POST', '/v1/dossiers', {
          as: 'citizen.an',
          body: submission,
          headers: { 'idempotency-key': `fault-${SEED}` },
        }),
      201,
    );
    const act = (as: string, action: string) =>
      retrying(
        () =>
          platform.call<Dossier>('POST', `/v1/dossiers/${submitted.id}/transitions`, {
            as,
            body: { action },
          }),
        200,
        submitted.id,
      );
    await act('clerk.tichson', 'receive');
    await act('clerk.tichson', 'forward');
    await act('leader.tichson', 'approve');
    await act('clerk.tichson', 'release');
    const returned = await act('clerk.tichson', 'return');
    expect(returned.status).toBe('returned');

    const faults = Object.values(injector.stats.faults).reduce((sum, n) => sum + n, 0);
    expect(faults, 'no fault was injected: the suite proves nothing').toBeGreaterThan(3);

    // Consumers of the dossier's events write too (national-portal sync…): let them finish, with
    // faults still on, before the chains are read.
    await platform.events.drain();
    await clean(async () => {
      // Exact state: one dossier (the idempotent submission was not duplicated), each action once.
      const mine = await platform.call<{ items: Dossier[] }>('GET', '/v1/me/dossiers', { as: 'citizen.an' });
      expect(mine.body.items.map((dossier) => dossier.id)).toEqual([submitted.id]);
      const { body } = await platform.call<Detail>('GET', `/v1/dossiers/${submitted.id}`, {
        as: 'citizen.an',
      });
      expect(body.history.map((entry) => entry.action)).toEqual([
        'submit',
        'receive',
        'forward',
        'approve',
        'release',
        'return',
      ]);
      expect(body.dossier.version).toBe(body.history.length);
      expect(body.dossier.code).toMatch(/-0001$/);
      for (const head of await listChainHeads()) {
        const report = await verifyStoredChain(head);
        expect(report.ok, JSON.stringify(report)).toBe(true);
      }
    });

    // Publication loses nothing: every outbox event of the dossier reached the bus (the publisher
    // retried what EventBridge refused).
    const outbox = await clean(() => outboxRecordsBetween(started, new Date()));
    const ofDossier = outbox.filter(
      (record) => (JSON.parse(record.detail) as { entity: { id: string } }).entity.id === submitted.id,
    );
    expect(ofDossier.map((record) => record.detailType)).toEqual([
      'DossierSubmitted',
      ...Array(5).fill('DossierStatusChanged'),
    ]);
    const missing = outbox
      .filter((record) => !delivered.has(record.eventId))
      .map((record) => record.detailType);
    expect(missing, 'outbox events never published').toEqual([]);
    console.info(
      `fault injection: ${injector.stats.requests} SDK requests, faults ${JSON.stringify(injector.stats.faults)}, ${unavailable} answers 503`,
    );
  }, 180_000);

  it('fails cleanly with 503 and writes nothing when DynamoDB refuses everything', async () => {
    const before = await clean(() =>
      platform.call<{ items: unknown[] }>('GET', '/v1/me/dossiers', { as: 'citizen.binh' }),
    );
    const always = faultInjector({ rate: 1, seed: SEED, kinds: ['throttle'] });
    setAwsClientHook(always.hook);
    try {
      // With and without Idempotency-Key: a throttled idempotency store is a 503 too, never a 500.
      const variants: Record<string, string>[] = [{}, { 'idempotency-key': `refused-${SEED}` }];
      for (const headers of variants) {
        const response = await platform.call<{ status: number; type: string }>('POST', '/v1/dossiers', {
          as: 'citizen.binh',
          body: submission,
          headers,
        });
        expect(response.status, JSON.stringify(response.body)).toBe(503);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body.type).toBe('/problems/service-unavailable');
      }
      always.enabled = false;
      const after = await platform.call<{ items: unknown[] }>('GET', '/v1/me/dossiers', {
        as: 'citizen.binh',
      });
      expect(after.body.items).toEqual(before.body.items);
      expect(always.stats.faults.throttle).toBeGreaterThan(0);
    } finally {
      setAwsClientHook(injector.hook);
    }
  }, 60_000);
});
