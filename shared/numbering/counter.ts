/**
 * Gapless, duplicate-free sequence numbers (số đến/số đi of registration books, dossier numbers).
 * The next number is written in the SAME transaction as the record that uses it, conditional on the
 * counter still holding the value we read: a number is either used or not taken, never skipped,
 * and two writers can never take the same one. A writer that loses the race tries again.
 * Registrations in one container are group-committed (see withNextNumber and commitChange): a
 * registration book takes about one transaction per batch of concurrent registrations, not per number.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../http/errors.ts';
import { ddb } from '../platform/aws-clients.ts';
import type { DomainWrite } from '../platform/change.ts';
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

/** The conditional write moving the counter from `from` to `to` (it must still hold `from`). */
function counterItem(key: CounterKey, from: number, to: number): DomainWrite['item'] {
  return from === 0
    ? {
        Put: {
          TableName: tableName(),
          Item: { ...key, entityType: 'counter', value: to },
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
          ExpressionAttributeValues: { ':current': from, ':next': to },
        },
      };
}

/**
 * The write that moves the counter from `current` to `current + 1`, failing if it moved meanwhile.
 * commitChange merges the consecutive steps of changes it commits together into one write.
 */
export function advanceCounter(key: CounterKey, current: number): DomainWrite {
  return {
    item: counterItem(key, current, current + 1),
    onConditionFailed: () => new NumberTakenError(`${key.PK} moved past ${current}`),
    advance: { from: current, to: current + 1, write: (from, to) => counterItem(key, from, to) },
  };
}

const MAX_ATTEMPTS = 200;

/**
 * What this container knows of a counter. Numbers are handed out in order without waiting for the
 * previous one to commit (`issued`), so concurrent registrations reach commitChange together and
 * commit in one transaction. Each number's write is conditional on the counter holding the number
 * before it, so a number whose predecessor did not commit fails and is taken again: when a number
 * is not used, the numbers after it are handed out again (a new `round`); when the counter was not
 * where a number expected it, it is read again.
 */
interface Book {
  /** The counter's value when last read or committed here; undefined = read it. */
  known: number | undefined;
  /** The last number handed out. */
  issued: number;
  round: number;
  reading?: Promise<void>;
}

const books = new Map<string, Book>();

async function bookOf(key: CounterKey): Promise<Book> {
  const id = `${key.PK}\n${key.SK}`;
  let book = books.get(id);
  if (!book) {
    book = { known: undefined, issued: 0, round: 0 };
    books.set(id, book);
  }
  while (book.known === undefined) {
    const current = book;
    current.reading ??= currentValue(key).then(
      (value) => {
        current.known = value;
        // Numbers handed out above the stored value may still commit; if one does, the next taker
        // of the same number fails its condition and takes another.
        current.issued = value;
        current.reading = undefined;
      },
      (error: unknown) => {
        current.reading = undefined;
        throw error;
      },
    );
    await current.reading;
  }
  return book;
}

/**
 * Runs `use(next, write)` until it commits with the counter's next number. `use` must include
 * `write` in its commitChange. Concurrent callers in this container get consecutive numbers and
 * their changes commit together; a number is either committed with its record or handed out again,
 * never skipped, never given twice (the counter's condition decides, across containers too).
 */
export async function withNextNumber<T>(
  key: CounterKey,
  use: (next: number, write: DomainWrite) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const book = await bookOf(key);
    const round = book.round;
    book.issued += 1;
    const next = book.issued;
    try {
      const result = await use(next, advanceCounter(key, next - 1));
      book.known = Math.max(book.known ?? 0, next);
      return result;
    } catch (error) {
      if (error instanceof NumberTakenError) {
        // The counter is not where this number expected it (another container, or an earlier number
        // that has not committed): read it again and hand out numbers from there.
        book.known = undefined;
        book.round += 1;
      } else if (book.round === round) {
        // Not used, so the numbers after it were handed out expecting it: hand them out again.
        book.round += 1;
        book.issued = next - 1;
      }
      if (!(error instanceof NumberTakenError)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new ServiceUnavailableError('The registration book is busy; retry');
      await backoff(Math.min(attempt, 5), 5, 100);
    }
  }
}

/**
 * The value this container last committed, per counter, for takeNextNumber: exact unless another
 * writer took a number; then the condition fails, the entry is dropped and the counter read again.
 */
const knownValues = new Map<string, number>();

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
