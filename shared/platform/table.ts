/** Helpers shared by every repository of the main table. */
import { mainTable } from '#infra/resources.ts';
import { now } from './clock.ts';
import { ENV, requireEnv } from './env.ts';

export const tableName = (): string => requireEnv(ENV.tableName);

/** The domain clock as ISO 8601 (see clock.ts). */
export const nowIso = (): string => now().toISOString();

/** Attributes of the storage layout (infra/resources.ts), not of the domain: keys, index keys, entity type. */
const STORAGE_ATTRIBUTES = new Set([
  'entityType',
  mainTable.partitionKey.name,
  mainTable.sortKey.name,
  ...mainTable.globalIndexes.flatMap((index) => [index.partitionKey.name, index.sortKey.name]),
]);

/** Drops the key and index attributes of a stored item, leaving the domain fields. */
export function stripKeys<T extends Record<string, unknown>>(item: T): Omit<T, `PK` | `SK` | `entityType`> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!STORAGE_ATTRIBUTES.has(name)) result[name] = value;
  return result as Omit<T, 'PK' | 'SK' | 'entityType'>;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
