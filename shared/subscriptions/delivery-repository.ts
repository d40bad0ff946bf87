/**
 * Persistence of webhook deliveries (keys: ./keys.ts). Creating a delivery and recording each
 * attempt go through commitChange (the owning agency's audit chain shows that, when and with what
 * answer its system was notified). The lease a sender takes before an attempt is the one write that
 * does not: it is a lock with no domain content (like an idempotency record), and the attempt it
 * guards is audited when recorded.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EnvelopeMeta } from '#events/envelope.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange } from '../platform/change.ts';
import { isConditionalCheckFailed, tableName } from '../platform/table.ts';
import { type AttemptOutcome, type Delivery, type DeliveryAttempt, toDelivery } from './delivery.ts';
import {
  DELIVERY_TTL_SECONDS,
  DUE_SHARDS,
  deliveryKey,
  dueIndexKeys,
  duePartition,
  dueUpperBound,
  ENTITY_DELIVERY,
} from './keys.ts';
import type { PlannedDelivery } from './visibility.ts';

/** A delivery as stored: the API fields, the signed body and the bookkeeping. */
export interface StoredDelivery extends Delivery {
  readonly PK: string;
  readonly SK: string;
  /** The exact bytes POSTed and signed: the EventBridge event as JSON. */
  readonly body: string;
  readonly attemptCount: number;
  /** Next attempt time, or the end of the current lease. */
  readonly dueAt?: string;
  readonly leaseToken?: string;
  readonly correlationId: string;
}

export class DuplicateDelivery extends Error {
  override name = 'DuplicateDelivery';
}

export class LeaseLost extends Error {
  override name = 'LeaseLost';
}

export interface EventToDeliver {
  readonly detail: EnvelopeMeta;
  readonly source: string;
  readonly detailType: string;
  /** The serialised EventBridge event. */
  readonly body: string;
}

/** Creates the delivery unless it exists (same subscription and event id): idempotent fan-out. */
export async function createDelivery(
  plan: PlannedDelivery,
  event: EventToDeliver,
  context: ChangeContext,
  now: Date,
): Promise<'created' | 'duplicate'> {
  const at = now.toISOString();
  const delivery: Delivery = {
    id: plan.deliveryId,
    subscriptionId: plan.subscriptionId,
    agencyCode: plan.agencyCode,
    eventId: event.detail.eventId,
    eventSource: event.source,
    eventType: event.detailType,
    occurredAt: event.detail.occurredAt,
    status: 'pending',
    attempts: [],
    nextAttemptAt: at,
    createdAt: at,
  };
  try {
    await commitChange({
      context,
      agencyCode: plan.agencyCode,
      action: 'delivery.created',
      entity: { type: ENTITY_DELIVERY, id: plan.deliveryId },
      after: delivery,
      writes: [
        {
          item: {
            Put: {
              TableName: tableName(),
              Item: {
                ...deliveryKey(plan.subscriptionId, event.detail.occurredAt, plan.deliveryId),
                ...dueIndexKeys(plan.deliveryId, at),
                entityType: ENTITY_DELIVERY,
                ...delivery,
                attemptCount: 0,
                dueAt: at,
                body: event.body,
                correlationId: event.detail.correlationId,
                expiresAt: Math.floor(now.getTime() / 1000) + DELIVERY_TTL_SECONDS,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          onConditionFailed: () => new DuplicateDelivery(),
        },
      ],
    });
    return 'created';
  } catch (error) {
    if (error instanceof DuplicateDelivery) return 'duplicate';
    throw error;
  }
}

/** What the sender reads from the due index: enough to claim; the claim returns the whole item. */
export type DueDelivery = Pick<StoredDelivery, 'PK' | 'SK' | 'id' | 'agencyCode' | 'attemptCount' | 'dueAt'>;

/** Pending deliveries whose `dueAt` has come, oldest first, from every shard of the due index. */
export async function queryDueDeliveries(now: Date, limit: number): Promise<DueDelivery[]> {
  const upper = dueUpperBound(now);
  const shards = await Promise.all(
    Array.from({ length: DUE_SHARDS }, async (_, shard) => {
      const { Items = [] } = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :upper',
          ExpressionAttributeValues: { ':pk': duePartition(shard), ':upper': upper },
          // Not the body (up to 256 KB): the claim reads the whole item.
          ProjectionExpression: 'PK, SK, id, agencyCode, attemptCount, dueAt',
          Limit: limit,
        }),
      );
      return Items as DueDelivery[];
    }),
  );
  return shards
    .flat()
    .sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''))
    .slice(0, limit);
}

/**
 * Takes the lease on a due delivery: only one sender wins (the condition pins the attempt count and
 * due time it saw), and the due entry moves to the end of the lease, so other senders skip it and it
 * comes back if this sender dies. Returns the fresh item, or undefined when someone else has it.
 */
export async function claimDelivery(
  seen: DueDelivery,
  now: Date,
  leaseMs: number,
): Promise<{ delivery: StoredDelivery; leaseToken: string } | undefined> {
  const leaseToken = randomUUID();
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  try {
    const { Attributes } = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { PK: seen.PK, SK: seen.SK },
        UpdateExpression: 'SET leaseToken = :token, dueAt = :leaseUntil, GSI2SK = :dueKey',
        ConditionExpression: '#status = :pending AND attemptCount = :count AND dueAt <= :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':token': leaseToken,
          ':leaseUntil': leaseUntil,
          ':dueKey': dueIndexKeys(seen.id, leaseUntil).GSI2SK,
          ':pending': 'pending',
          ':count': seen.attemptCount,
          ':now': now.toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { delivery: Attributes as StoredDelivery, leaseToken };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

const ACTIONS: Record<AttemptOutcome['status'], string> = {
  succeeded: 'delivery.succeeded',
  pending: 'delivery.retry-scheduled',
  failed: 'delivery.failed',
};

/**
 * Records an attempt and its outcome while still holding the lease: reschedules (new due entry) or
 * finishes (due entry removed, so the index only ever holds pending deliveries).
 */
export async function recordAttempt(
  claimed: StoredDelivery,
  leaseToken: string,
  attempt: DeliveryAttempt,
  outcome: AttemptOutcome,
  context: ChangeContext,
): Promise<Delivery> {
  const values: Record<string, unknown> = {
    ':token': leaseToken,
    ':pending': 'pending',
    ':attempt': [attempt],
    ':one': 1,
    ':status': outcome.status,
  };
  let update: string;
  let nextAttemptAt: string | null = null;
  if (outcome.status === 'pending') {
    nextAttemptAt = outcome.nextAttemptAt.toISOString();
    values[':next'] = nextAttemptAt;
    values[':dueKey'] = dueIndexKeys(claimed.id, nextAttemptAt).GSI2SK;
    update =
      'SET attempts = list_append(attempts, :attempt), attemptCount = attemptCount + :one, #status = :status, ' +
      'nextAttemptAt = :next, dueAt = :next, GSI2SK = :dueKey REMOVE leaseToken';
  } else {
    values[':completedAt'] = attempt.at;
    update =
      'SET attempts = list_append(attempts, :attempt), attemptCount = attemptCount + :one, #status = :status, ' +
      'completedAt = :completedAt REMOVE leaseToken, dueAt, nextAttemptAt, GSI2PK, GSI2SK';
  }
  const before = toDelivery(claimed);
  const after: Delivery = {
    ...before,
    status: outcome.status,
    attempts: [...before.attempts, attempt],
    nextAttemptAt,
    ...(outcome.status === 'pending' ? {} : { completedAt: attempt.at }),
  };
  await commitChange({
    context,
    agencyCode: claimed.agencyCode,
    action: ACTIONS[outcome.status],
    entity: { type: ENTITY_DELIVERY, id: claimed.id },
    before,
    after,
    writes: [
      {
        item: {
          Update: {
            TableName: tableName(),
            Key: { PK: claimed.PK, SK: claimed.SK },
            UpdateExpression: update,
            ConditionExpression: 'leaseToken = :token AND #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
          },
        },
        onConditionFailed: () => new LeaseLost(),
      },
    ],
  });
  return after;
}
