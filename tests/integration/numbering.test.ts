/** Gapless numbering under concurrency: N concurrent writers get exactly 1..N, each once. */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { ConflictError } from '#shared/http/errors.ts';
import { currentValue, takeNextNumber, withNextNumber } from '#shared/numbering/counter.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { commitChange } from '#shared/platform/change.ts';
import { tableName } from '#shared/platform/table.ts';
import { unique } from '#tests/support/http.ts';
import { bookEntries } from '#tests/support/numbering.ts';

describe.each([
  ['in one container (queued by key)', withNextNumber, 60],
  ['across containers (optimistic retries only)', takeNextNumber, 20],
] as const)('gapless counter %s', (_name, take, writers) => {
  it(`gives ${writers} concurrent writers exactly the numbers 1..${writers}`, async () => {
    const book = `TEST-BOOK#${unique()}`;
    const key = { PK: book, SK: 'COUNTER' };
    const numbers = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        take(key, async (next, counterWrite) => {
          await commitChange({
            context: { actor: { type: 'system', name: 'test' }, correlationId: `numbering-${i}` },
            agencyCode: demoAgencies.lienBao,
            action: 'test.numbered',
            entity: { type: 'test', id: `${book}/${next}` },
            writes: [
              counterWrite,
              {
                item: {
                  Put: {
                    TableName: tableName(),
                    Item: { PK: `${book}#ENTRIES`, SK: String(next).padStart(6, '0'), writer: i },
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
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
    const { Items = [] } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `${book}#ENTRIES` },
      }),
    );
    expect(Items.map((item) => Number(item.SK))).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
    expect(new Set(Items.map((item) => item.writer)).size).toBe(writers);
    expect(await currentValue(key)).toBe(writers);
  }, 120_000);
});

describe('gapless counter with registrations that fail (group commit)', () => {
  it('gives the numbers of refused registrations to others: 100 concurrent, 20 refused, exactly 1..80', async () => {
    const book = `TEST-BOOK#${unique()}`;
    const key = { PK: book, SK: 'COUNTER' };
    const taken = `${book}#TAKEN`;
    const writers = 100;
    // Writers 7, 17, 27 … find their unique item taken (their change's own condition fails: 409);
    // writers 3, 13, 23 … fail before committing (a rule of the use case).
    for (let i = 7; i < writers; i += 10) {
      await ddb().send(new PutCommand({ TableName: tableName(), Item: { PK: taken, SK: String(i) } }));
    }
    const outcomes = await Promise.allSettled(
      Array.from({ length: writers }, (_, i) =>
        withNextNumber(key, async (next, counterWrite) => {
          if (i % 10 === 3) throw new Error(`writer ${i} refused`);
          await commitChange({
            context: { actor: { type: 'system', name: 'test' }, correlationId: `numbering-${i}` },
            agencyCode: demoAgencies.lienBao,
            action: 'test.numbered',
            entity: { type: 'test', id: `${book}/${next}` },
            writes: [
              counterWrite,
              {
                item: {
                  Put: {
                    TableName: tableName(),
                    Item: { PK: `${book}#ENTRIES`, SK: String(next).padStart(6, '0'), writer: i },
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
              },
              {
                item: {
                  Put: {
                    TableName: tableName(),
                    Item: { PK: taken, SK: String(i) },
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
                onConditionFailed: () => new ConflictError(`writer ${i}: already registered`),
              },
            ],
          });
          return next;
        }),
      ),
    );
    const reasons = outcomes.flatMap((outcome, i) =>
      outcome.status === 'rejected' ? [[i, (outcome.reason as Error).message] as const] : [],
    );
    expect(reasons).toEqual(
      Array.from({ length: 20 }, (_, k) => {
        const i = Math.floor(k / 2) * 10 + (k % 2 === 0 ? 3 : 7);
        return [i, i % 10 === 3 ? `writer ${i} refused` : `writer ${i}: already registered`] as const;
      }),
    );
    const numbers = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect((await bookEntries(book)).map((entry) => entry.number)).toEqual(
      Array.from({ length: 80 }, (_, i) => i + 1),
    );
    expect(await currentValue(key)).toBe(80);
  }, 120_000);
});
