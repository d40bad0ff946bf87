/**
 * Event consumers (house style §7): parse the detail against its contract on receipt, and apply
 * each event at most once per consumer. EventBridge delivers at least once (and the outbox may
 * publish twice after a crash), so every consumer records `CONSUMED#<consumer>/<eventId>`:
 * - inside its own transaction when its effect is a table write (exactly-once effect): include
 *   `context.consumed` in the writes of commitChange;
 * - otherwise right after the effect (at-least-once effect, for idempotent side effects).
 * A failure propagates, so EventBridge / Lambda retry and finally dead-letter the event.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { detailSchema, type EventContract, type EventDetail } from '#events/envelope.ts';
import { ddb } from '../platform/aws-clients.ts';
import type { ChangeContext, DomainWrite } from '../platform/change.ts';
import { logger } from '../platform/observability.ts';
import { isConditionalCheckFailed, tableName } from '../platform/table.ts';
import { CONSUMED_TTL_SECONDS, consumedKey } from './keys.ts';

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Raised inside a consumer's transaction when another delivery of the same event won. */
export class AlreadyConsumedError extends Error {
  override name = 'AlreadyConsumedError';
}

export interface ConsumerContext {
  readonly consumerId: string;
  /** Actor = this consumer; correlation carried over; causation = the event. */
  readonly change: ChangeContext;
  /** The dedupe marker as a transactional write: commit it with the effect for exactly-once. */
  readonly consumed: DomainWrite;
}

export interface ConsumerOptions {
  /** Stable id; renaming it makes the consumer see old events as new. */
  readonly id: string;
  readonly contracts: readonly EventContract[];
  readonly handle: (
    detail: EventDetail<unknown>,
    context: ConsumerContext,
    contract: EventContract,
  ) => Promise<void>;
}

export type ConsumerHandler = (
  event: EventBridgeEvent<string, unknown>,
) => Promise<{ status: 'applied' | 'duplicate' }>;

function markerItem(consumerId: string, eventId: string) {
  return {
    ...consumedKey(consumerId, eventId),
    entityType: 'consumed',
    at: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + CONSUMED_TTL_SECONDS,
  };
}

export function createConsumer(options: ConsumerOptions): ConsumerHandler {
  return async (event) => {
    const raw = event.detail as { schemaVersion?: unknown; eventId?: unknown };
    const contract = options.contracts.find(
      (candidate) =>
        candidate.source === event.source &&
        candidate.detailType === event['detail-type'] &&
        candidate.version === raw?.schemaVersion,
    );
    if (!contract) {
      throw new InvalidEventError(
        `${options.id} does not handle ${event.source}/${event['detail-type']} v${String(raw?.schemaVersion)}`,
      );
    }
    const parsed = detailSchema(contract).safeParse(event.detail);
    if (!parsed.success) {
      throw new InvalidEventError(
        `Invalid ${contract.detailType} detail: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      );
    }
    const detail = parsed.data as EventDetail<unknown>;
    const table = tableName();
    const key = consumedKey(options.id, detail.eventId);
    const seen = await ddb().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    if (seen.Item) {
      logger.info('duplicate event skipped', { consumer: options.id, eventId: detail.eventId });
      return { status: 'duplicate' };
    }
    const context: ConsumerContext = {
      consumerId: options.id,
      change: {
        actor: { type: 'system', name: `consumer:${options.id}` },
        correlationId: detail.correlationId,
        causationId: detail.eventId,
      },
      consumed: {
        item: {
          Put: {
            TableName: table,
            Item: markerItem(options.id, detail.eventId),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new AlreadyConsumedError(detail.eventId),
      },
    };
    try {
      await options.handle(detail, context, contract);
    } catch (error) {
      if (error instanceof AlreadyConsumedError) return { status: 'duplicate' };
      throw error;
    }
    try {
      await ddb().send(
        new PutCommand({
          TableName: table,
          Item: markerItem(options.id, detail.eventId),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error; // already written with the effect
    }
    return { status: 'applied' };
  };
}
