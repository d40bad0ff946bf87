/** Gapless numbering under concurrency: N concurrent writers get exactly 1..N, each once. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { currentValue, takeNextNumber, withNextNumber } from '#shared/numbering/counter.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { commitChange } from '#shared/platform/change.ts';
import { tableName } from '#shared/platform/table.ts';
import { unique } from '#tests/support/http.ts';

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
