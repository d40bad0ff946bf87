/**
 * Webhook deliveries: one per (subscription, event). Schemas, the retry schedule and the outcome
 * rules; pure, no AWS here.
 *
 * Schedule: the first attempt as soon as the sender runs, then retries 1 min, 5 min, 1 h and 1 day
 * after the previous attempt; a delivery whose fifth attempt fails is `failed`. A 2xx answer is
 * success; anything else (3xx included: redirects are not followed), a network error or a timeout is
 * a failed attempt.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';

export const deliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

const MINUTE = 60_000;
/** Wait before retry n (n = 1..4), counted from the previous attempt. */
export const RETRY_DELAYS_MS: readonly number[] = [MINUTE, 5 * MINUTE, 60 * MINUTE, 24 * 60 * MINUTE];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export const DeliveryAttempt = z
  .object({
    at: z.string(),
    /** The receiver's HTTP status, when it answered. */
    httpStatus: z.optional(z.number()),
    /** Why no answer counted (timeout, refused address, network error …). */
    error: z.optional(z.string()),
    durationMs: z.number(),
  })
  .register(z.globalRegistry, { id: 'DeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const Delivery = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    agencyCode: z.string(),
    /** `detail.eventId` of the event; also sent as `Vnpp-Event-Id`. */
    eventId: z.string(),
    /** EventBridge `source` and `detail-type` of the event. */
    eventSource: z.string(),
    eventType: z.string(),
    occurredAt: z.string(),
    status: deliveryStatusSchema,
    attempts: z.array(DeliveryAttempt),
    /** When the next attempt is due; null once succeeded or failed. */
    nextAttemptAt: z.nullable(z.string()),
    createdAt: z.string(),
    completedAt: z.optional(z.string()),
  })
  .register(z.globalRegistry, {
    id: 'Delivery',
    description:
      'One event delivered to one subscription, with every attempt (retries after 1 min, 5 min, 1 h, 1 day).',
  });
export type Delivery = z.infer<typeof Delivery>;

/** The stored attributes the API shows; the body, lease and keys stay inside. */
export const DELIVERY_ATTRIBUTES = [
  'id',
  'subscriptionId',
  'agencyCode',
  'eventId',
  'eventSource',
  'eventType',
  'occurredAt',
  'status',
  'attempts',
  'nextAttemptAt',
  'createdAt',
  'completedAt',
] as const satisfies readonly (keyof Delivery)[];

/**
 * The id of the delivery of an event to a subscription: deterministic, so a duplicate event (an
 * EventBridge retry, an archive replay) maps to the same delivery and is created once.
 */
export const deliveryIdOf = (subscriptionId: string, eventId: string): string =>
  createHash('sha256').update(`${subscriptionId}\n${eventId}`).digest('hex').slice(0, 32);

/** When the attempt after `attemptsMade` attempts is due, or undefined when there is none left. */
export function nextAttemptAfter(attemptsMade: number, lastAttemptAt: Date): Date | undefined {
  const delay = RETRY_DELAYS_MS[attemptsMade - 1];
  return delay === undefined ? undefined : new Date(lastAttemptAt.getTime() + delay);
}

export const isSuccessStatus = (httpStatus: number): boolean => httpStatus >= 200 && httpStatus < 300;

export type AttemptOutcome =
  | { readonly status: 'succeeded' }
  | { readonly status: 'pending'; readonly nextAttemptAt: Date }
  | { readonly status: 'failed' };

/** What becomes of a delivery after its attempt number `attemptsMade` (1-based) ended as `attempt` says. */
export function outcomeOf(attempt: DeliveryAttempt, attemptsMade: number, at: Date): AttemptOutcome {
  if (attempt.httpStatus !== undefined && isSuccessStatus(attempt.httpStatus)) return { status: 'succeeded' };
  const next = nextAttemptAfter(attemptsMade, at);
  return next ? { status: 'pending', nextAttemptAt: next } : { status: 'failed' };
}

/** The API view of a stored delivery: its public fields only (not the body, the lease or the keys). */
export function toDelivery(item: object): Delivery {
  const stored = item as Record<string, unknown>;
  const delivery: Record<string, unknown> = {};
  for (const name of DELIVERY_ATTRIBUTES) if (stored[name] !== undefined) delivery[name] = stored[name];
  delivery.nextAttemptAt ??= null;
  return delivery as unknown as Delivery;
}
