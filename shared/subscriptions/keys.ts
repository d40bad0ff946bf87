/**
 * Keys of subscriptions and webhook deliveries, and the access patterns they serve.
 *
 * | access pattern                                     | index | PK                          | SK                                      |
 * |----------------------------------------------------|-------|-----------------------------|-----------------------------------------|
 * | get a subscription                                 | table | `SUB#<id>`                  | `META`                                  |
 * | an agency's subscriptions, oldest first            | GSI1  | `SUBS#AGENCY#<agency>`      | `<createdAt>#<id>`                      |
 * | active subscriptions to a detail-type (fan-out)    | GSI1  | `SUBS#TYPE#<detailType>`    | `<agency>#<id>`                         |
 * |   (one "event type" item per type: `SUB#<id>` / `TYPE#<detailType>`, present only while active)                          |
 * | a subscription's deliveries, newest first          | table | `SUB#<id>`                  | `DELIVERY#<occurredAt>#<deliveryId>`    |
 * | deliveries due for an attempt (sender)             | GSI2  | `DELIVERIES#DUE#<shard 0-7>`| `<dueAt>#<deliveryId>`                  |
 *
 * - The event-type items make fan-out a Query, not a Scan: a subscription to n types has n items,
 *   written and deleted in the same transaction as the subscription, carrying what fan-out needs
 *   (id, agency, scope). They exist only while the subscription is active, so a paused subscription
 *   costs fan-out nothing.
 * - A delivery's key is deterministic (the event's `occurredAt` and a hash of subscription id + event
 *   id), so a conditional put makes fan-out idempotent. Deliveries live in their subscription's item
 *   collection and expire (TTL) 30 days after creation; the signed body is stored in the delivery.
 * - The due index is sparse (keys only while `pending`) and write-sharded: every claim, retry and
 *   completion rewrites the index entry, and one `DELIVERIES#DUE` partition would cap the province at
 *   one GSI partition's write rate (~1,000 writes/s) with every sender reading the same hot key. Eight
 *   shards, chosen by the delivery id, spread the writes; the sender queries the eight in parallel
 *   (eight small Queries a minute). `dueAt` is the next attempt time, or the end of the lease while a
 *   sender holds the delivery, so a crashed sender's delivery reappears when its lease ends.
 */
import { createHash } from 'node:crypto';

export const ENTITY_SUBSCRIPTION = 'subscription';
export const ENTITY_SUBSCRIPTION_TYPE = 'subscription-type';
export const ENTITY_DELIVERY = 'webhook-delivery';

export const DUE_SHARDS = 8;
export const DELIVERY_TTL_SECONDS = 30 * 24 * 3600;

export const subscriptionKey = (id: string) => ({ PK: `SUB#${id}`, SK: 'META' });

export const agencySubscriptionsPartition = (agencyCode: string) => `SUBS#AGENCY#${agencyCode}`;

export const subscriptionIndexKeys = (subscription: {
  id: string;
  agencyCode: string;
  createdAt: string;
}) => ({
  GSI1PK: agencySubscriptionsPartition(subscription.agencyCode),
  GSI1SK: `${subscription.createdAt}#${subscription.id}`,
});

export const eventTypePartition = (detailType: string) => `SUBS#TYPE#${detailType}`;

export const subscriptionTypeKey = (id: string, detailType: string) => ({
  PK: `SUB#${id}`,
  SK: `TYPE#${detailType}`,
});

export const subscriptionTypeIndexKeys = (
  subscription: { id: string; agencyCode: string },
  detailType: string,
) => ({
  GSI1PK: eventTypePartition(detailType),
  GSI1SK: `${subscription.agencyCode}#${subscription.id}`,
});

export const DELIVERY_SK_PREFIX = 'DELIVERY#';

export const deliveryKey = (subscriptionId: string, occurredAt: string, deliveryId: string) => ({
  PK: `SUB#${subscriptionId}`,
  SK: `${DELIVERY_SK_PREFIX}${occurredAt}#${deliveryId}`,
});

export const dueShardOf = (deliveryId: string): number =>
  createHash('sha256').update(deliveryId).digest().readUInt8(0) % DUE_SHARDS;

export const duePartition = (shard: number) => `DELIVERIES#DUE#${shard}`;

export const dueIndexKeys = (deliveryId: string, dueAt: string) => ({
  GSI2PK: duePartition(dueShardOf(deliveryId)),
  GSI2SK: `${dueAt}#${deliveryId}`,
});

/** Upper bound of the due sort keys at `now`: every `<dueAt>#<id>` with dueAt ≤ now sorts below it. */
export const dueUpperBound = (now: Date) => `${now.toISOString()}#~`;
