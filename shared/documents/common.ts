/** Helpers shared by the outgoing and incoming document use cases. */
import { vietnamDayOf } from '../calendar/civil-date.ts';
import type { AccessTarget, Principal } from '../http/auth.ts';
import { ConflictError } from '../http/errors.ts';
import type { IfMatch } from '../http/etag.ts';
import type { ChangeContext, DomainWrite } from '../platform/change.ts';
import { tableName } from '../platform/table.ts';

export type Authorize = (target: AccessTarget) => Promise<void>;

/** Who acts on a document, and the request's authorization and If-Match. */
export interface Acting {
  readonly principal: Principal;
  readonly context: ChangeContext;
  readonly authorize: Authorize;
  readonly ifMatch?: IfMatch | undefined;
}

export const actorName = (context: ChangeContext): string =>
  context.actor.type === 'user' ? context.actor.username : context.actor.name;

/** Vietnam calendar year of an instant: registration books run per calendar year. */
export const vietnamYearOf = (iso: string): number => Number(vietnamDayOf(new Date(iso)).slice(0, 4));

/** Puts `item`, conditional on the stored version still being `version` (0 = must not exist). */
export function versionedPut(item: Record<string, unknown>, version: number, what: string): DomainWrite {
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: item,
        ...(version === 0
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': version },
            }),
      },
    },
    onConditionFailed: () => new ConflictError(`The ${what} changed meanwhile; read it again`),
  };
}

/** `[from, to]` Vietnam days as an ISO range for a sort key `<iso>#<id>`. */
export function periodRange(from?: string, to?: string): { low: string; high: string } | undefined {
  if (!from && !to) return undefined;
  const low = from ? new Date(`${from}T00:00:00+07:00`).toISOString() : '0';
  const high = to ? new Date(Date.parse(`${to}T00:00:00+07:00`) + 86_400_000).toISOString() : '~';
  return { low, high };
}
