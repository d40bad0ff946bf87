/**
 * Gapless, duplicate-free sequence numbers (số đến/số đi of registration books, dossier numbers).
 * The next number is written in the SAME transaction as the record that uses it, conditional on the
 * counter still holding the value we read: a number is either used or not taken, never skipped,
 * and two writers can never take the same one. A writer that loses the race tries again.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../http/errors.ts';
import { ddb } from '../platform/aws-clients.ts';
import type { DomainWrite } from '../platform/change.ts';
import { withKeyLock } from '../platform/keyed-lock.ts';
import { backoff } from '../platform/retry.ts';
import { tableName } from '../platform/table.ts';

export interface CounterKey {
  readonly PK: string;
  readonly SK: string;
}

/** Another writer took the number first; the whole operation is retried. */
export class NumberTakenError extends Error {
  override name = 'NumberTakenError';
}

export async function currentValue(key: CounterKey): Promise<number> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
  );
  return (Item?.value as number | undefined) ?? 0;
}

/** The write that moves the counter from `current` to `current + 1`, failing if it moved meanwhile. */
export function advanceCounter(key: CounterKey, current: number): DomainWrite {
  return {
    item:
      current === 0
        ? {
            Put: {
              TableName: tableName(),
              Item: { ...key, entityType: 'counter', value: 1 },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          }
        : {
            Update: {
              TableName: tableName(),
              Key: key,
              UpdateExpression: 'SET #value = :next',
              ConditionExpression: '#value = :current',
              ExpressionAttributeNames: { '#value': 'value' },
              ExpressionAttributeValues: { ':current': current, ':next': current + 1 },
            },
          },
    onConditionFailed: () => new NumberTakenError(`${key.PK} moved past ${current}`),
  };
}

const MAX_ATTEMPTS = 200;

/**
 * The value this container last committed, per counter: within a container numbers are taken one at
 * a time (withKeyLock), so it is exact unless another container took one; then the condition fails,
 * the entry is dropped and the counter read again.
 */
const knownValues = new Map<string, number>();

/**
 * Runs `use(next, write)` until it commits with the counter's next number. `use` must include
 * `write` in its commitChange. Contention only delays: each round, exactly one writer wins.
 */
export function withNextNumber<T>(
  key: CounterKey,
  use: (next: number, write: DomainWrite) => Promise<T>,
): Promise<T> {
  return withKeyLock(`counter:${key.PK}:${key.SK}`, () => takeNextNumber(key, use));
}

/** The optimistic protocol alone, as separate containers run it (exported for tests). */
export async function takeNextNumber<T>(
  key: CounterKey,
  use: (next: number, write: DomainWrite) => Promise<T>,
): Promise<T> {
  const id = `${key.PK}/${key.SK}`;
  for (let attempt = 1; ; attempt += 1) {
    const current = knownValues.get(id) ?? (await currentValue(key));
    try {
      const result = await use(current + 1, advanceCounter(key, current));
      knownValues.set(id, current + 1);
      return result;
    } catch (error) {
      // Whether the counter moved is unknown (or known to be elsewhere): read it next time.
      knownValues.delete(id);
      if (!(error instanceof NumberTakenError)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new ServiceUnavailableError('The registration book is busy; retry');
      await backoff(Math.min(attempt, 5), 5, 100);
    }
  }
}
