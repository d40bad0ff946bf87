/**
 * Lost answers (issue 10): a write reaches DynamoDB and is applied, then its answer is lost (socket
 * timeout / connection reset after the response; tests/support/fault-injection.ts,
 * `lostAnswerInjector`). Either the SDK retries the same request (`lost-answer`) or the error
 * surfaces to our code once the SDK's attempts are spent (`lost-answer-exhausted`). Shows:
 * - commitChange: a transaction re-sent by the SDK is idempotent (ClientRequestToken, honoured by
 *   DynamoDB and DynamoDB Local); one whose answers were all lost is still recognised as committed
 *   (re-sent with the same token, else its audit record read back), never reported failed;
 * - numbering under lost answers stays 1..n, no gap, no duplicate, no failed writer;
 * - Idempotency-Key: a lost answer on taking the key is not "in progress" (409) for the request that
 *   took it, and a 503 before the operation ran leaves the key free for the retry;
 * - the API-call meter (an ADD, not idempotent by itself) bills each call once when its write's
 *   answer is lost, re-sent by the SDK or by the meter's next flush.
 *
 * Seeds: LOST_SEED (default random, printed in the suite's name); runs: PROOF_RUNS (default 12).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { auditRecordKey } from '#shared/audit/keys.ts';
import { idempotencyRecordKey, runIdempotent } from '#shared/http/idempotency.ts';
import { currentValue } from '#shared/numbering/counter.ts';
import { ddb, setAwsClientHook } from '#shared/platform/aws-clients.ts';
import { commitChange } from '#shared/platform/change.ts';
import { tableName } from '#shared/platform/table.ts';
import { addToAggregate, aggregateKey, CELL_PREFIX } from '#shared/reports/increment.ts';
import { ApiCallMeter } from '#shared/reports/usage-meter.ts';
import { type LostAnswerPlan, lostAnswerInjector } from '#tests/support/fault-injection.ts';
import { unique } from '#tests/support/http.ts';
import { bookCounter, bookEntries, registerInBook } from '#tests/support/numbering.ts';

const SEED = Number(process.env.LOST_SEED ?? randomInt(2 ** 31));
const RUNS = Number(process.env.PROOF_RUNS ?? 12);

/** Installs a lost-answer injector for the rest of the test. */
function losing(plan: Omit<LostAnswerPlan, 'seed'> & { seed?: number }) {
  const injector = lostAnswerInjector({ seed: SEED, ...plan });
  setAwsClientHook(injector.hook);
  return injector;
}
afterEach(() => setAwsClientHook(undefined));

/** A change of a proof entity on a chain of its own: one Put, its audit record and head. */
function proofChange(chain: string, id: string) {
  return {
    context: { actor: { type: 'system' as const, name: 'proof' }, correlationId: id },
    agencyCode: chain,
    action: 'proof.written',
    entity: { type: 'proof', id },
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { PK: `PROOF#${id}`, SK: 'META', id },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      },
    ],
  };
}

const item = async (key: { PK: string; SK: string }) =>
  (await ddb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

describe(`commitChange under lost answers (seed ${SEED})`, () => {
  it('a transaction the SDK re-sends after a lost answer commits once (ClientRequestToken)', async () => {
    const chain = `PROOF-LOST-${unique()}`;
    const injector = losing({
      rate: 1,
      limit: 1,
      kinds: ['lost-answer'],
      commands: ['TransactWriteItemsCommand'],
    });
    const committed = await commitChange(proofChange(chain, unique()));
    expect(injector.stats.lost['lost-answer']).toBe(1);
    expect(committed.audit.seq).toBe(1);
    expect(await item(auditRecordKey(chain, 1))).toMatchObject({ hash: committed.audit.hash });
  });

  it('a transaction whose every answer was lost is recognised as committed, not failed', async () => {
    for (const limit of [1, Number.POSITIVE_INFINITY]) {
      const chain = `PROOF-LOST-${unique()}`;
      const injector = losing({
        rate: 1,
        limit,
        kinds: ['lost-answer-exhausted'],
        commands: ['TransactWriteItemsCommand'],
      });
      const id = unique();
      // Before the fix: rejected with the SDK's TimeoutError (a 503) although the change was applied.
      const committed = await commitChange(proofChange(chain, id));
      expect(injector.stats.lost['lost-answer-exhausted']).toBeGreaterThan(0);
      expect(committed.audit.seq).toBe(1);
      setAwsClientHook(undefined);
      expect(await item({ PK: `PROOF#${id}`, SK: 'META' })).toBeDefined();
      expect(await item(auditRecordKey(chain, 1))).toMatchObject({ hash: committed.audit.hash });
      // The chain goes on from the recognised head: the next change is seq 2.
      expect((await commitChange(proofChange(chain, unique()))).audit.seq).toBe(2);
    }
  });
});

describe(`numbering under lost answers (seed ${SEED})`, () => {
  it('gives concurrent writers exactly 1..n while transaction answers are lost', async () => {
    const injector = losing({ rate: 0.35, maxGap: 8, commands: ['TransactWriteItemsCommand'] });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 2, maxLength: 6 }), async (racing) => {
        const book = `PROOF-BOOK#${unique()}`;
        const results = await Promise.allSettled(
          racing.map((otherContainer, writer) => registerInBook(book, writer, otherContainer)),
        );
        const expected = racing.map((_, i) => i + 1);
        expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
        const numbers = results.map((result) => (result as PromiseFulfilledResult<number>).value);
        expect([...numbers].sort((a, b) => a - b)).toEqual(expected);
        injector.enabled = false;
        try {
          const entries = await bookEntries(book);
          // Each number used once, by the writer that was told it.
          expect(entries.map((entry) => entry.number)).toEqual(expected);
          for (const [writer, n] of numbers.entries()) expect(entries[n - 1]!.writer).toBe(writer);
          expect(await currentValue(bookCounter(book))).toBe(racing.length);
        } finally {
          injector.enabled = true;
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(injector.stats.lost['lost-answer'] + injector.stats.lost['lost-answer-exhausted']).toBeGreaterThan(
      0,
    );
  }, 120_000);
});

describe(`Idempotency-Key under lost answers (seed ${SEED})`, () => {
  const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
  const callOf = (key: string) => ({
    operationId: 'proofOperation',
    callerSub: `proof-${unique()}`,
    key,
    fingerprint: 'POST /v1/proof {}',
    context,
  });
  const answer = { statusCode: 201, body: '{"id":"proof"}' };

  it('the request whose key-taking answer was lost runs once, not 409 "in progress"', async () => {
    const injector = losing({ rate: 1, limit: 1, kinds: ['lost-answer'], commands: ['PutItemCommand'] });
    let runs = 0;
    const call = callOf(randomUUID());
    // Before the fix: the SDK's retry of the Put fails its condition on our own record → 409.
    const result = await runIdempotent(call, async () => {
      runs += 1;
      return answer;
    });
    expect(injector.stats.lost['lost-answer']).toBe(1);
    expect(result).toEqual({ response: answer, replayed: false });
    expect(runs).toBe(1);
    // A retry by the client replays the stored answer.
    expect(await runIdempotent(call, async () => ({ statusCode: 500 }))).toEqual({
      response: answer,
      replayed: true,
    });
  });

  it('a 503 before the operation ran leaves the key free: the retry runs it', async () => {
    const injector = losing({
      rate: 1,
      limit: 1,
      kinds: ['lost-answer-exhausted'],
      commands: ['PutItemCommand'],
    });
    const call = callOf(randomUUID());
    let runs = 0;
    const run = async () => {
      runs += 1;
      return answer;
    };
    await expect(runIdempotent(call, run)).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(runs).toBe(0);
    expect(injector.stats.lost['lost-answer-exhausted']).toBeGreaterThan(0);
    // Before the fix: the record taken by the lost Put blocks the key (409 in progress) for a minute.
    expect(await runIdempotent(call, run)).toEqual({ response: answer, replayed: false });
    expect(runs).toBe(1);
    expect(await item(idempotencyRecordKey(call))).toMatchObject({ status: 'COMPLETED' });
  });
});

describe(`the API-call meter under lost answers (seed ${SEED})`, () => {
  const day = '2026-11-22';
  const billed = async (agency: string) =>
    (await item(aggregateKey('usage', agency, day, 'meter-proof')))?.[`${CELL_PREFIX}apiCalls`];
  const meterOf = () =>
    new ApiCallMeter(
      (fact, token) => addToAggregate(fact, 'meter-proof', token),
      () => 0,
    );
  const calls = (meter: ApiCallMeter, agency: string, n: number) => {
    for (let i = 0; i < n; i += 1) meter.count(agency, new Date(`${day}T03:00:00Z`));
  };

  it('bills each call once when the SDK re-sends a write whose answer was lost', async () => {
    const agency = `PROOF.${unique()}`;
    const meter = meterOf();
    calls(meter, agency, 5);
    const injector = losing({ rate: 1, limit: 1, kinds: ['lost-answer'] });
    await meter.flushIfDue();
    expect(injector.stats.lost['lost-answer']).toBe(1);
    setAwsClientHook(undefined);
    // Before the fix: an UpdateItem ADD re-sent by the SDK, 10.
    expect(await billed(agency)).toBe(5);
  });

  it('bills each call once when the write failed after it was applied and the next flush sends it again', async () => {
    const agency = `PROOF.${unique()}`;
    const meter = meterOf();
    calls(meter, agency, 5);
    const injector = losing({ rate: 1, limit: 1, kinds: ['lost-answer-exhausted'] });
    await meter.flushIfDue();
    expect(injector.stats.lost['lost-answer-exhausted']).toBeGreaterThan(0);
    expect(meter.pendingCalls).toBe(5);
    setAwsClientHook(undefined);
    calls(meter, agency, 2);
    await meter.flushIfDue();
    expect(meter.pendingCalls).toBe(0);
    // Before the fix: the kept 5 merged with the 2 new calls and added again, 12.
    expect(await billed(agency)).toBe(7);
  });
});
