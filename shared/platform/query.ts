/** Key queries on the main table: one page with a bound cursor, or every item of a partition. */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, type Page } from '../http/pagination.ts';
import { ddb } from './aws-clients.ts';
import { tableName } from './table.ts';

type KeyQuery = Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;
type Item = Record<string, unknown>;

/**
 * One page of a key query. `pinned` names the partition the cursor must belong to (e.g.
 * `{ GSI1PK: 'AGENCIES' }`), so a cursor from another list is refused (400) instead of misused.
 */
export async function queryPage<T>(
  query: KeyQuery,
  page: { limit?: number | undefined; cursor?: string | undefined; pinned: Record<string, string> },
  map: (item: Item) => T,
): Promise<Page<T>> {
  const { Items = [], LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      ...query,
      Limit: page.limit ?? DEFAULT_PAGE_SIZE,
      ExclusiveStartKey: decodeCursor(page.cursor, page.pinned),
    }),
  );
  return { items: Items.map(map), nextCursor: encodeCursor(LastEvaluatedKey) };
}

/** Every item a key query returns, page after page (for bounded partitions and batch jobs). */
export async function queryAll(query: KeyQuery): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await ddb().send(new QueryCommand({ TableName: tableName(), ...query, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
