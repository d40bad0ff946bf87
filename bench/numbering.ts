/**
 * Numbering throughput: registrations in one registration book, each taking the book's next
 * number through `withNextNumber` and committing it with its entry, audit record and counter in
 * one `commitChange` transaction (as dossier numbers are issued at receipt). Gaplessness is
 * checked here, not assumed: the numbers handed out and the entries stored must be exactly 1..N.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { currentValue, withNextNumber } from '#shared/numbering/counter.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { commitChange } from '#shared/platform/change.ts';
import { tableName } from '#shared/platform/table.ts';

export interface NumberingResult {
  readonly registrations: number;
  readonly concurrency: number;
  readonly ms: number;
  readonly perSecond: number;
  readonly gapless: boolean;
  readonly detail: string;
}

const isOneToN = (values: readonly number[], n: number) =>
  values.length === n && [...values].sort((a, b) => a - b).every((value, i) => value === i + 1);

async function storedEntries(partition: string, expected: number): Promise<number[]> {
  const numbers: number[] = [];
  let start: Record<string, unknown> | undefined;
  // Bounded: a page holds at least one item, so more pages than expected items means something is wrong.
  for (let page = 0; page <= expected; page += 1) {
    const { Items = [], LastEvaluatedKey } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    numbers.push(...Items.map((item) => Number(item.SK)));
    start = LastEvaluatedKey;
    if (!start) return numbers;
  }
  throw new Error(`${partition} has more pages than entries`);
}

export async function measureNumbering(options: {
  registrations: number;
  concurrency: number;
  agencyCode: string;
}): Promise<NumberingResult> {
  const book = `BENCH-BOOK#${randomUUID()}`;
  const key = { PK: book, SK: 'COUNTER' };
  const entries = `${book}#ENTRIES`;
  const taken: number[] = [];
  let claimed = 0;
  const writer = async (w: number) => {
    while (claimed < options.registrations) {
      claimed += 1;
      const number = await withNextNumber(key, async (next, counterWrite) => {
        await commitChange({
          context: { actor: { type: 'system', name: 'bench' }, correlationId: `bench-numbering-${w}` },
          agencyCode: options.agencyCode,
          action: 'bench.registered',
          entity: { type: 'bench-registration', id: `${book}/${next}` },
          writes: [
            counterWrite,
            {
              item: {
                Put: {
                  TableName: tableName(),
                  Item: {
                    PK: entries,
                    SK: String(next).padStart(6, '0'),
                    entityType: 'bench-registration',
                    writer: w,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            },
          ],
        });
        return next;
      });
      taken.push(number);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => writer(w)));
  const ms = performance.now() - started;

  const stored = await storedEntries(entries, options.registrations);
  const counter = await currentValue(key);
  const problems = [
    isOneToN(taken, options.registrations) ? '' : `numbers handed out are not 1..${options.registrations}`,
    isOneToN(stored, options.registrations) ? '' : `stored entries are not 1..${options.registrations}`,
    counter === options.registrations ? '' : `counter is ${counter}`,
  ].filter(Boolean);
  return {
    registrations: options.registrations,
    concurrency: options.concurrency,
    ms: Math.round(ms),
    perSecond: Math.round((options.registrations / ms) * 1000 * 10) / 10,
    gapless: problems.length === 0,
    detail:
      problems.length === 0
        ? `numbers handed out, stored entries and the counter are exactly 1..${options.registrations}`
        : problems.join('; '),
  };
}
