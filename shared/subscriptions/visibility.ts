/**
 * Which subscriptions an event is delivered to ("event types it is allowed to see"). Pure.
 *
 * An agency sees an event that concerns it: its code is the event's `detail.agencyCode` (the change
 * was made on its behalf) or is in `detail.recipients` (producers name every agency concerned, e.g.
 * the receivers of a document, or an agency and its ancestors for agency-tree changes). A
 * subscription with scope `province` (only the province's root agency may have one) sees every event.
 */
import type { EnvelopeMeta } from '#events/envelope.ts';
import { deliveryIdOf } from './delivery.ts';
import type { SubscriptionScope, SubscriptionStatus } from './subscription.ts';

/** What fan-out needs to know of a subscription (the fields copied onto its event-type index items). */
export interface SubscriptionTarget {
  readonly id: string;
  readonly agencyCode: string;
  readonly scope: SubscriptionScope;
  readonly status: SubscriptionStatus;
  /** When given, the detail-types the subscription asked for. */
  readonly eventTypes?: readonly string[];
}

export type VisibilityDetail = Pick<EnvelopeMeta, 'agencyCode' | 'recipients'>;

export function isVisibleTo(
  subscription: Pick<SubscriptionTarget, 'agencyCode' | 'scope'>,
  detail: VisibilityDetail,
): boolean {
  if (subscription.scope === 'province') return true;
  return detail.agencyCode === subscription.agencyCode || detail.recipients.includes(subscription.agencyCode);
}

export interface PlannedDelivery {
  readonly deliveryId: string;
  readonly subscriptionId: string;
  readonly agencyCode: string;
}

/**
 * The deliveries an event makes: one per active subscription that may see it (and, when the
 * subscriptions carry their event types and `detailType` is given, that asked for the type), each
 * subscription once, with the deterministic delivery id.
 */
export function planDeliveries(
  detail: VisibilityDetail & Pick<EnvelopeMeta, 'eventId'>,
  subscriptions: readonly SubscriptionTarget[],
  detailType?: string,
): PlannedDelivery[] {
  const planned = new Map<string, PlannedDelivery>();
  for (const subscription of subscriptions) {
    if (subscription.status !== 'active' || planned.has(subscription.id)) continue;
    if (
      detailType !== undefined &&
      subscription.eventTypes &&
      !subscription.eventTypes.includes(detailType)
    ) {
      continue;
    }
    if (!isVisibleTo(subscription, detail)) continue;
    planned.set(subscription.id, {
      deliveryId: deliveryIdOf(subscription.id, detail.eventId),
      subscriptionId: subscription.id,
      agencyCode: subscription.agencyCode,
    });
  }
  return [...planned.values()];
}
