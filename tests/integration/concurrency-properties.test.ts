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
import { currentValue } from '#shared/numbering/counter.ts';
import { setAwsClientHook } from '#shared/platform/aws-clients.ts';
import { gatedRequests } from '#tests/support/fault-injection.ts';
import { call, createTestAgency, PROVINCE_ADMIN, unique } from '#tests/support/http.ts';
import { bookCounter, bookEntries, registerInBook } from '#tests/support/numbering.ts';
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
          const results = await interleaved(
            s,
            racing.map((otherContainer, writer) => () => registerInBook(book, writer, otherContainer)),
          );
          const expected = racing.map((_, i) => i + 1);
          expect(results.map((result) => result.status)).not.toContain('rejected');
          const numbers = results.map((result) => (result as PromiseFulfilledResult<number>).value);
          expect([...numbers].sort((a, b) => a - b)).toEqual(expected);
          expect((await bookEntries(book)).map((entry) => entry.number)).toEqual(expected);
          expect(await currentValue(bookCounter(book))).toBe(racing.length);
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
