/**
 * Concurrency properties (issue 10): fast-check's scheduler decides the order in which the SDK
 * requests of concurrent operations reach DynamoDB Local (every request waits at a gate installed
 * with the client hook of shared/platform/aws-clients.ts), and shrinks a failing interleaving to a
 * small one. Properties:
 * - numbering: concurrent writers of one registration book, some queued in this container and some
 *   racing as other containers would, get exactly 1..n: no gap, no duplicate;
 * - dossier numbers: concurrent receipts of fresh dossiers at one agency (and duplicate receipts of
 *   the same dossier) number each dossier once, 1..n;
 * - dossier transitions: concurrent actions on one dossier never lose an update: the history is a
 *   chain (each entry starts where the previous ended), the version counts the entries, the stored
 *   status is the last entry's, and every refused action is refused with a domain error.
 *
 * Payments (one payment's callbacks, re-check, cancel, expiry, refunds and second requests) have
 * their own file on a platform of their own: payment-properties.test.ts.
 *
 * Runs per property: PROOF_RUNS (default 12); a longer soak: PROOF_RUNS=200.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import {
  applyTransition,
  dossierHistory,
  requireDossier,
  submitDossier,
} from '#shared/dossiers/repository.ts';
import type { DossierAction } from '#shared/dossiers/state-machine.ts';
import { changeContextOf } from '#shared/http/api-handler.ts';
import type { Principal } from '#shared/http/auth.ts';
import { HttpProblem } from '#shared/http/errors.ts';
import { currentValue, takeNextNumber, withNextNumber } from '#shared/numbering/counter.ts';
import { ddb, setAwsClientHook } from '#shared/platform/aws-clients.ts';
import { commitChange } from '#shared/platform/change.ts';
import { tableName } from '#shared/platform/table.ts';
import { gatedRequests } from '#tests/support/fault-injection.ts';
import { call, createTestAgency, PROVINCE_ADMIN, unique } from '#tests/support/http.ts';
import { testProcedure } from '#tests/support/procedures.ts';

const RUNS = Number(process.env.PROOF_RUNS ?? 12);
const SEED = process.env.PROOF_SEED ? Number(process.env.PROOF_SEED) : undefined;
const settings = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true };

/** The scheduler of the run in progress; requests outside a run pass the gate at once. */
let scheduler: fc.Scheduler | undefined;

beforeAll(() => {
  setAwsClientHook(
    gatedRequests(async (label) => {
      if (scheduler) await scheduler.schedule(Promise.resolve(label), label);
    }),
  );
});
afterAll(() => setAwsClientHook(undefined));

/** Runs `operations` concurrently under `s`: each SDK request is released when the scheduler says. */
async function interleaved<T>(
  s: fc.Scheduler,
  operations: (() => Promise<T>)[],
): Promise<PromiseSettledResult<T>[]> {
  scheduler = s;
  try {
    const results = await s.waitFor(Promise.allSettled(operations.map((operation) => operation())));
    // The gate saw every operation's requests: the interleaving was the scheduler's, not the event loop's.
    expect(s.report().length).toBeGreaterThanOrEqual(operations.length);
    return results;
  } finally {
    scheduler = undefined;
  }
}

const staff = (role: 'clerk' | 'leader', agencyCode: string): Principal => ({
  sub: `${role}-${agencyCode}`,
  username: `${role}.${agencyCode}`,
  roles: [role],
  agencyCode,
});
const owner: Principal = { sub: `proof-citizen-${unique()}`, username: 'proof.citizen', roles: ['citizen'] };
const noScopeCheck = async () => undefined;

/** Refusals a concurrent action may meet: domain errors (409 changed meanwhile / illegal, 403, 400). */
function expectDomainRefusals(results: PromiseSettledResult<unknown>[]): void {
  for (const result of results) {
    if (result.status === 'rejected') {
      expect(result.reason, String(result.reason)).toBeInstanceOf(HttpProblem);
      expect([400, 403, 409]).toContain((result.reason as HttpProblem).status);
    }
  }
}

describe('numbering under scheduled interleavings', () => {
  it('gives concurrent writers of one book exactly 1..n (queued here or racing as other containers)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 6 }),
        async (s, racing) => {
          const book = `PROOF-BOOK#${unique()}`;
          const key = { PK: book, SK: 'COUNTER' };
          const results = await interleaved(
            s,
            racing.map(
              (otherContainer, writer) => () =>
                (otherContainer ? takeNextNumber : withNextNumber)(key, async (next, counterWrite) => {
                  await commitChange({
                    context: { actor: { type: 'system', name: 'proof' }, correlationId: `${book}-${writer}` },
                    agencyCode: `PROOF-CHAIN-${book}`,
                    action: 'proof.numbered',
                    entity: { type: 'proof', id: `${book}/${next}` },
                    writes: [
                      counterWrite,
                      {
                        item: {
                          Put: {
                            TableName: tableName(),
                            Item: { PK: `${book}#ENTRIES`, SK: String(next).padStart(6, '0'), writer },
                            ConditionExpression: 'attribute_not_exists(PK)',
                          },
                        },
                      },
                    ],
                  });
                  return next;
                }),
            ),
          );
          const expected = racing.map((_, i) => i + 1);
          expect(results.map((result) => result.status)).not.toContain('rejected');
          const numbers = results.map((result) => (result as PromiseFulfilledResult<number>).value);
          expect([...numbers].sort((a, b) => a - b)).toEqual(expected);
          const { Items = [] } = await ddb().send(
            new QueryCommand({
              TableName: tableName(),
              KeyConditionExpression: 'PK = :pk',
              ExpressionAttributeValues: { ':pk': `${book}#ENTRIES` },
            }),
          );
          expect(Items.map((item) => Number(item.SK))).toEqual(expected);
          expect(await currentValue(key)).toBe(racing.length);
        },
      ),
      settings,
    );
  }, 120_000);
});

describe('dossiers under scheduled interleavings', () => {
  const procedureCode = `VP-proof-${unique()}`;
  let district: string;

  beforeAll(async () => {
    const created = await call('POST', '/v1/procedures', {
      as: PROVINCE_ADMIN,
      body: testProcedure({ code: procedureCode, name: 'Thủ tục kiểm chứng đồng thời' }),
    });
    expect(created.status, created.text).toBe(201);
    district = demoAgencies.vinhYen;
  });

  const submit = (agencyCode: string) =>
    submitDossier(
      {
        procedureCode,
        agencyCode,
        applicant: {
          kind: 'citizen',
          fullName: 'Nguyễn Văn Kiểm',
          identity: { idType: 'citizen-id', idNumber: '026090001234' },
        },
        form: { reason: 'Kiểm chứng đồng thời' },
        delivery: { method: 'online' },
      },
      owner,
      changeContextOf(owner, `submit-${unique()}`),
      noScopeCheck,
    );

  const act = (id: string, action: DossierAction, principal: Principal) =>
    applyTransition({
      id,
      transition: { action, note: 'kiểm chứng', ...(action === 'extend' ? { days: 1 } : {}) },
      principal,
      context: changeContextOf(principal, `${action}-${unique()}`),
      ifMatch: undefined,
      authorize: noScopeCheck,
    });

  it('numbers concurrently received dossiers 1..n at a fresh agency, each once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.nat(3), { maxLength: 3 }),
        async (s, count, duplicates) => {
          const agency = await createTestAgency(district);
          const clerk = staff('clerk', agency);
          const ids: string[] = [];
          for (let i = 0; i < count; i += 1) ids.push((await submit(agency)).id);
          const receipts = [...ids, ...duplicates.map((i) => ids[i % count]!)];
          const results = await interleaved(
            s,
            receipts.map((id) => () => act(id, 'receive', clerk)),
          );
          expectDomainRefusals(results);
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(count);
          const codes = await Promise.all(ids.map(async (id) => (await requireDossier(id)).code));
          const numbers = codes.map((code) => Number(code?.split('-').at(-1)));
          expect([...numbers].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
        },
      ),
      // Each run makes an agency and its dossiers over HTTP first: half the runs of the others.
      { ...settings, numRuns: Math.ceil(RUNS / 2) },
    );
  }, 120_000);

  const ACTORS: Record<string, (agency: string) => Principal> = {
    clerk: (agency) => staff('clerk', agency),
    leader: (agency) => staff('leader', agency),
    citizen: () => owner,
  };
  const ACTIONS: [DossierAction, keyof typeof ACTORS][] = [
    ['receive', 'clerk'],
    ['cancel', 'clerk'],
    ['withdraw', 'citizen'],
    ['forward', 'clerk'],
    ['request-supplement', 'clerk'],
    ['supplement', 'citizen'],
    ['extend', 'leader'],
    ['deny', 'leader'],
  ];

  it('never loses an update: the history is a chain, the version counts it, the status is its end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.boolean(),
        fc.array(fc.constantFrom(...ACTIONS), { minLength: 2, maxLength: 4 }),
        async (s, receivedFirst, actions) => {
          const agency = demoAgencies.tichSon;
          const { id } = await submit(agency);
          if (receivedFirst) await act(id, 'receive', staff('clerk', agency));
          const results = await interleaved(
            s,
            actions.map(
              ([action, actor]) =>
                () =>
                  act(id, action, ACTORS[actor]!(agency)),
            ),
          );
          expectDomainRefusals(results);
          const succeeded = results.filter((result) => result.status === 'fulfilled').length;
          const dossier = await requireDossier(id);
          const { history } = await dossierHistory(id);
          expect(history).toHaveLength(1 + (receivedFirst ? 1 : 0) + succeeded);
          expect(dossier.version).toBe(history.length);
          for (let i = 1; i < history.length; i += 1) {
            expect(history[i]!.fromStatus, `entry ${i} (${history[i]!.action})`).toBe(
              history[i - 1]!.toStatus,
            );
          }
          expect(dossier.status).toBe(history.at(-1)!.toStatus);
          expect(history.filter((entry) => entry.action === 'receive').length).toBeLessThanOrEqual(1);
        },
      ),
      settings,
    );
  }, 120_000);
});
