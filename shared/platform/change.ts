/**
 * `commitChange`: the one way a state change is written. The domain write(s), the audit record
 * extending the owning agency's hash chain, and the outbox record of each event commit in ONE
 * DynamoDB transaction, so a change is never recorded without its audit and its events, nor the
 * reverse. The outbox is published to EventBridge from the table's stream (functions/events/publish.ts).
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { type Actor, detailSchema, type EventContract, type EventDetail } from '#events/envelope.ts';
import { type AuditRecord, changedFields, digestOf, GENESIS_HASH, hashOf } from '../audit/chain.ts';
import {
  auditEntityIndex,
  auditHeadIndex,
  auditHeadKey,
  auditRecordKey,
  ENTITY_AUDIT,
  ENTITY_AUDIT_HEAD,
} from '../audit/keys.ts';
import { ENTITY_OUTBOX, OUTBOX_TTL_SECONDS, outboxKey } from '../events/keys.ts';
import { ServiceUnavailableError } from '../http/errors.ts';
import { ddb } from './aws-clients.ts';
import { ENV, optionalEnv } from './env.ts';
import { withKeyLock } from './keyed-lock.ts';
import { backoff } from './retry.ts';
import { nowIso, tableName } from './table.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Who is changing what, and under which request: from the HTTP request or the causing event. */
export interface ChangeContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string;
}

export interface DomainWrite {
  readonly item: TransactItem;
  /** The error to raise when this write's condition fails (e.g. 409, 412). */
  readonly onConditionFailed?: () => Error;
}

export interface PendingEvent<S extends z.ZodMiniType = z.ZodMiniType> {
  readonly contract: EventContract<S>;
  readonly data: z.input<S>;
  readonly recipients: readonly string[];
}

export interface Change {
  readonly context: ChangeContext;
  /** The agency whose audit chain records the change (the owner of the entity). */
  readonly agencyCode: string;
  readonly action: string;
  readonly entity: { readonly type: string; readonly id: string };
  readonly before?: unknown;
  readonly after?: unknown;
  readonly writes: readonly DomainWrite[];
  readonly events?: readonly PendingEvent[];
}

export interface CommittedChange {
  readonly audit: AuditRecord;
  readonly events: readonly EventDetail<unknown>[];
}

const MAX_ATTEMPTS = 10;

function buildEvent(change: Change, event: PendingEvent, occurredAt: string): EventDetail<unknown> {
  const detail = {
    eventId: randomUUID(),
    schemaVersion: event.contract.version,
    occurredAt,
    province: optionalEnv(ENV.provinceCode) ?? 'unknown',
    agencyCode: change.agencyCode,
    recipients: [...new Set(event.recipients)],
    entity: { ...change.entity },
    correlationId: change.context.correlationId,
    ...(change.context.causationId ? { causationId: change.context.causationId } : {}),
    actor: change.context.actor,
    data: event.data,
  };
  // The producer validates before writing: a malformed event is our bug, never published.
  return detailSchema(event.contract).parse(detail) as EventDetail<unknown>;
}

/**
 * The last head this container wrote or read, per chain. Changes to a chain are serialised in the
 * container (commitChange's key lock), so the cache is exact unless another container moved the
 * chain; then the head's condition fails, the entry is dropped and the head read again.
 */
const knownHeads = new Map<string, { seq: number; hash: string }>();

async function readHead(chain: string): Promise<{ seq: number; hash: string }> {
  const known = knownHeads.get(chain);
  if (known) return known;
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: auditHeadKey(chain), ConsistentRead: true }),
  );
  return Item ? { seq: Item.seq as number, hash: Item.hash as string } : { seq: 0, hash: GENESIS_HASH };
}

/** Commits a change; changes to one agency's chain are serialised within this container. */
export function commitChange(change: Change): Promise<CommittedChange> {
  return withKeyLock(`audit-chain:${change.agencyCode}`, () => commitOnce(change));
}

async function commitOnce(change: Change): Promise<CommittedChange> {
  const table = tableName();
  for (let attempt = 1; ; attempt += 1) {
    const head = await readHead(change.agencyCode);
    const at = nowIso();
    const unhashed: Omit<AuditRecord, 'hash'> = {
      chain: change.agencyCode,
      seq: head.seq + 1,
      at,
      actor: change.context.actor,
      action: change.action,
      entity: { ...change.entity },
      beforeDigest: digestOf(change.before),
      afterDigest: digestOf(change.after),
      changed: changedFields(change.before, change.after),
      requestId: change.context.correlationId,
      prevHash: head.hash,
    };
    const audit: AuditRecord = { ...unhashed, hash: hashOf(unhashed) };
    const events = (change.events ?? []).map((event) => buildEvent(change, event, at));
    const expiresAt = Math.floor(Date.now() / 1000) + OUTBOX_TTL_SECONDS;

    const items: TransactItem[] = [
      ...change.writes.map((write) => write.item),
      {
        Put: {
          TableName: table,
          Item: {
            ...auditHeadKey(audit.chain),
            ...auditHeadIndex(audit.chain),
            entityType: ENTITY_AUDIT_HEAD,
            chain: audit.chain,
            seq: audit.seq,
            hash: audit.hash,
            at,
          },
          ConditionExpression: head.seq === 0 ? 'attribute_not_exists(PK)' : 'seq = :seq',
          ...(head.seq === 0 ? {} : { ExpressionAttributeValues: { ':seq': head.seq } }),
        },
      },
      {
        Put: {
          TableName: table,
          Item: {
            ...auditRecordKey(audit.chain, audit.seq),
            ...auditEntityIndex(audit.entity, at, audit.chain, audit.seq),
            entityType: ENTITY_AUDIT,
            ...audit,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...events.map((detail, i) => ({
        Put: {
          TableName: table,
          Item: {
            ...outboxKey(detail.occurredAt, detail.eventId),
            entityType: ENTITY_OUTBOX,
            eventId: detail.eventId,
            source: change.events![i]!.contract.source,
            detailType: change.events![i]!.contract.detailType,
            detail: JSON.stringify(detail),
            expiresAt,
          },
        },
      })),
    ];

    try {
      await ddb().send(new TransactWriteCommand({ TransactItems: items }));
      knownHeads.set(audit.chain, { seq: audit.seq, hash: audit.hash });
      return { audit, events };
    } catch (error) {
      knownHeads.delete(change.agencyCode);
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failedWrite = change.writes.findIndex((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
      if (failedWrite >= 0) {
        throw change.writes[failedWrite]!.onConditionFailed?.() ?? error;
      }
      // Another change extended this agency's chain first (or a transaction conflict): try again.
      if (attempt >= MAX_ATTEMPTS) throw new ServiceUnavailableError('The agency is busy; retry the request');
      await backoff(attempt);
    }
  }
}
