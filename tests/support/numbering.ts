/**
 * A registration book for the numbering proofs: each writer takes the book's next number
 * (`withNextNumber` in this container, `takeNextNumber` as another container would) and commits it
 * with an entry `<book>#ENTRIES`/`<number>` naming the writer, through `commitChange`. Shared by the
 * scheduled-interleaving property and the lost-answer property, so both prove the same thing.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { takeNextNumber, withNextNumber } from '#shared/numbering/counter.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { commitChange } from '#shared/platform/change.ts';
import { tableName } from '#shared/platform/table.ts';

export const bookCounter = (book: string) => ({ PK: book, SK: 'COUNTER' });

/** Registers one entry in `book` for `writer`; resolves with the number it got. */
export function registerInBook(book: string, writer: number, otherContainer: boolean): Promise<number> {
  return (otherContainer ? takeNextNumber : withNextNumber)(bookCounter(book), async (next, counterWrite) => {
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
  });
}

/** The book's stored entries, in number order (consistent read). */
export async function bookEntries(book: string): Promise<{ number: number; writer: unknown }[]> {
  const { Items = [] } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `${book}#ENTRIES` },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => ({ number: Number(item.SK), writer: item.writer }));
}
