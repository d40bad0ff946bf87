/**
 * Cursor pagination: `?limit=(1..100)&cursor=` → `{ items, nextCursor }`.
 * A cursor is the DynamoDB key where the previous page stopped, so pages stay stable while items
 * are added or removed elsewhere. A cursor is bound to its query: its partition values must be the
 * ones the query uses, otherwise it is refused (400) rather than sent to DynamoDB.
 */
import * as z from 'zod/mini';
import { HttpProblem } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export const limitSchema = z.optional(
  z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_PAGE_SIZE)),
);
export const cursorSchema = z.optional(z.string().check(z.minLength(1), z.maxLength(2048)));

/** The query fields every list route accepts; spread into a route's query schema. */
export const pageQueryFields = { limit: limitSchema, cursor: cursorSchema };

export const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    items: z.array(item),
    /** Pass as `cursor` to get the next page; null on the last page. */
    nextCursor: z.nullable(z.string()),
  });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const KEY_ATTRIBUTES = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK']);

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  if (!lastKey) return null;
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

const invalidCursor = () =>
  new HttpProblem(
    'invalid-cursor',
    'The cursor is malformed or belongs to another query; start again without it',
  );

/**
 * Decodes a cursor and checks it belongs to the query whose partition is `pinned`
 * (e.g. `{ GSI1PK: 'AGENCIES' }`).
 */
export function decodeCursor(
  cursor: string | undefined,
  pinned: Record<string, string>,
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalidCursor();
  const entries = Object.entries(decoded);
  if (entries.length === 0 || entries.length > 4) throw invalidCursor();
  for (const [name, value] of entries) {
    if (!KEY_ATTRIBUTES.has(name) || typeof value !== 'string' || value.length > 1024) throw invalidCursor();
  }
  const key = decoded as Record<string, string>;
  for (const [name, value] of Object.entries(pinned)) {
    if (key[name] !== value) throw invalidCursor();
  }
  return key;
}
