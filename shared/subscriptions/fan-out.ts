/**
 * Fan-out: turns one platform event into one pending delivery per subscription allowed to see it.
 * Candidates come from a Query on the event-type index (never a Scan); the visibility rule is
 * `planDeliveries`; each delivery is a conditional put keyed by hash(subscription id + event id), so a
 * duplicate or replayed event creates nothing new.
 */

import type { EventBridgeEvent } from 'aws-lambda';
import type { EnvelopeMeta } from '#events/envelope.ts';
import type { ChangeContext } from '../platform/change.ts';
import { queryAll } from '../platform/query.ts';
import { createDelivery } from './delivery-repository.ts';
import { eventTypePartition } from './keys.ts';
import type { SubscriptionScope, SubscriptionStatus } from './subscription.ts';
import { type PlannedDelivery, planDeliveries, type SubscriptionTarget } from './visibility.ts';

export const FAN_OUT_ACTOR = 'webhook-fan-out';

export interface FanOutResult {
  readonly candidates: number;
  readonly planned: number;
  readonly created: number;
  readonly duplicates: number;
}

/** Active subscriptions to a detail-type, from their event-type index items. */
export async function subscriptionsForType(detailType: string): Promise<SubscriptionTarget[]> {
  const targets: SubscriptionTarget[] = [];
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': eventTypePartition(detailType) },
  });
  for (const item of items) {
    targets.push({
      id: item.subscriptionId as string,
      agencyCode: item.agencyCode as string,
      scope: item.scope as SubscriptionScope,
      status: item.status as SubscriptionStatus,
    });
  }
  return targets;
}

/**
 * Creates the deliveries of one event. `detail` is the validated envelope of `event`; `event` is the
 * EventBridge event as received, whose JSON is the body that will be signed and POSTed.
 */
export async function fanOut(
  detail: EnvelopeMeta,
  event: EventBridgeEvent<string, unknown>,
  options: { now?: Date } = {},
): Promise<FanOutResult> {
  const detailType = event['detail-type'];
  const candidates = await subscriptionsForType(detailType);
  const plan = planDeliveries(detail, candidates);
  const body = JSON.stringify(event);
  const context: ChangeContext = {
    actor: { type: 'system', name: FAN_OUT_ACTOR },
    correlationId: detail.correlationId,
    causationId: detail.eventId,
  };
  const now = options.now ?? new Date();

  // Deliveries of one agency extend the same audit chain: one at a time per agency, agencies in parallel.
  const byAgency = new Map<string, PlannedDelivery[]>();
  for (const planned of plan)
    byAgency.set(planned.agencyCode, [...(byAgency.get(planned.agencyCode) ?? []), planned]);
  const outcomes = await Promise.all(
    [...byAgency.values()].map(async (group) => {
      const results: ('created' | 'duplicate')[] = [];
      for (const planned of group) {
        results.push(
          await createDelivery(planned, { detail, source: event.source, detailType, body }, context, now),
        );
      }
      return results;
    }),
  );
  const flat = outcomes.flat();
  return {
    candidates: candidates.length,
    planned: plan.length,
    created: flat.filter((outcome) => outcome === 'created').length,
    duplicates: flat.filter((outcome) => outcome === 'duplicate').length,
  };
}
