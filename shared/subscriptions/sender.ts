/**
 * The sender, run every minute: picks the due deliveries, takes a lease on each, POSTs the signed
 * body to the subscription's URL with a timeout, records the attempt (conditional on still holding
 * the lease) and reschedules or finishes the delivery.
 *
 * Guarantees: at least once. Two senders never make the same attempt of a delivery (the lease is a
 * conditional write); a sender that dies after sending but before recording leaves the lease to
 * expire and the attempt is made again, so receivers deduplicate on `Vnpp-Event-Id`.
 * Deliveries of one agency are sent one after another (they extend the same audit chain, and a slow
 * receiver is not hammered); agencies are served in parallel.
 */
import { logger } from '../platform/observability.ts';
import { type DeliveryAttempt, outcomeOf } from './delivery.ts';
import {
  claimDelivery,
  type DueDelivery,
  LeaseLost,
  queryDueDeliveries,
  recordAttempt,
  type StoredDelivery,
} from './delivery-repository.ts';
import { getStoredSubscription } from './repository.ts';
import { safeFetch, type WebhookFetch } from './safe-fetch.ts';
import {
  HEADER_DELIVERY_ID,
  HEADER_EVENT_ID,
  HEADER_EVENT_TYPE,
  HEADER_SIGNATURE,
  signatureHeader,
} from './signature.ts';
import { activeSecrets, type StoredSubscription } from './subscription.ts';
import { checkWebhookUrl, loopbackAllowed } from './url-rules.ts';

export const SENDER_ACTOR = 'webhook-sender';
export const USER_AGENT = 'vnpp-webhooks/1';

export interface SendOptions {
  /** The current time: due deliveries are those with `dueAt <= now`; attempts are stamped with it. */
  readonly now?: Date;
  /** The HTTP client; default `safeFetch` (address checks at connect time). */
  readonly fetch?: WebhookFetch;
  /** Most deliveries taken per run. Default 100. */
  readonly limit?: number;
  /** Per-request timeout. Default 5 s. */
  readonly timeoutMs?: number;
  /** Agencies served in parallel. Default 8. */
  readonly concurrency?: number;
  /** No new delivery is started after this much wall time; the rest waits for the next run. Default 40 s. */
  readonly budgetMs?: number;
}

export interface SendSummary {
  readonly due: number;
  readonly succeeded: number;
  readonly retrying: number;
  readonly failed: number;
  /** Claimed by another sender, lease lost, or left for the next run. */
  readonly skipped: number;
}

type Result = 'succeeded' | 'retrying' | 'failed' | 'skipped';

const MAX_ERROR_LENGTH = 300;

/** A short, secret-free description of why a request failed. */
function describeError(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return 'Request failed';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `No answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: unknown }).cause;
  const code =
    (error as { code?: unknown }).code ??
    (cause instanceof Error ? ((cause as { code?: unknown }).code ?? cause.message) : undefined);
  const text = typeof code === 'string' ? `${error.message} (${code})` : error.message;
  return text.slice(0, MAX_ERROR_LENGTH);
}

/** Subscriptions read once per run (a run lasts under a minute; a change applies from the next run). */
type SubscriptionLoader = (id: string) => Promise<StoredSubscription | undefined>;

function subscriptionLoader(): SubscriptionLoader {
  const cache = new Map<string, Promise<StoredSubscription | undefined>>();
  return (id) => {
    let loaded = cache.get(id);
    if (!loaded) {
      loaded = getStoredSubscription(id);
      cache.set(id, loaded);
    }
    return loaded;
  };
}

async function attemptDelivery(
  delivery: StoredDelivery,
  now: Date,
  fetch: WebhookFetch,
  timeoutMs: number,
  loadSubscription: SubscriptionLoader,
): Promise<{ attempt: DeliveryAttempt; final?: boolean }> {
  const at = now.toISOString();
  const subscription = await loadSubscription(delivery.subscriptionId);
  if (subscription?.status !== 'active') {
    // The subscription went away or was paused after fan-out: the delivery ends, nothing is sent.
    const error = subscription ? 'Subscription paused; not sent' : 'Subscription deleted; not sent';
    return { attempt: { at, error, durationMs: 0 }, final: true };
  }
  const verdict = checkWebhookUrl(subscription.url, { allowLoopback: loopbackAllowed() });
  if (!verdict.ok) return { attempt: { at, error: `Address refused: ${verdict.reason}`, durationMs: 0 } };

  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    [HEADER_SIGNATURE]: signatureHeader({
      secrets: activeSecrets(subscription, now),
      rawBody: delivery.body,
      at: now,
    }),
    [HEADER_EVENT_ID]: delivery.eventId,
    [HEADER_DELIVERY_ID]: delivery.id,
    [HEADER_EVENT_TYPE]: delivery.eventType,
  };
  const started = performance.now();
  try {
    const response = await fetch(subscription.url, {
      method: 'POST',
      headers,
      body: delivery.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel().catch(() => undefined);
    return {
      attempt: { at, httpStatus: response.status, durationMs: Math.round(performance.now() - started) },
    };
  } catch (error) {
    return {
      attempt: {
        at,
        error: describeError(error, timeoutMs),
        durationMs: Math.round(performance.now() - started),
      },
    };
  }
}

async function processDelivery(
  seen: DueDelivery,
  options: Required<SendOptions>,
  loadSubscription: SubscriptionLoader,
): Promise<Result> {
  const { now } = options;
  const claim = await claimDelivery(seen, now, options.timeoutMs + 55_000);
  if (!claim) return 'skipped';
  const { delivery, leaseToken } = claim;
  const { attempt, final } = await attemptDelivery(
    delivery,
    now,
    options.fetch,
    options.timeoutMs,
    loadSubscription,
  );
  const outcome = final ? { status: 'failed' as const } : outcomeOf(attempt, delivery.attemptCount + 1, now);
  try {
    await recordAttempt(delivery, leaseToken, attempt, outcome, {
      actor: { type: 'system', name: SENDER_ACTOR },
      correlationId: delivery.correlationId,
      causationId: delivery.eventId,
    });
  } catch (error) {
    if (!(error instanceof LeaseLost)) throw error;
    logger.warn('webhook lease lost before the attempt was recorded', { deliveryId: delivery.id });
    return 'skipped';
  }
  logger.info('webhook attempt', {
    deliveryId: delivery.id,
    subscriptionId: delivery.subscriptionId,
    attempt: delivery.attemptCount + 1,
    httpStatus: attempt.httpStatus,
    error: attempt.error,
    durationMs: attempt.durationMs,
    outcome: outcome.status,
  });
  return outcome.status === 'pending' ? 'retrying' : outcome.status;
}

/** Sends every due delivery (up to `limit`) once; returns what happened. */
export async function sendDueDeliveries(input: SendOptions = {}): Promise<SendSummary> {
  const options: Required<SendOptions> = {
    now: input.now ?? new Date(),
    fetch: input.fetch ?? safeFetch,
    limit: input.limit ?? 100,
    timeoutMs: input.timeoutMs ?? 5_000,
    concurrency: input.concurrency ?? 8,
    budgetMs: input.budgetMs ?? 40_000,
  };
  const started = performance.now();
  const due = await queryDueDeliveries(options.now, options.limit);

  const loadSubscription = subscriptionLoader();
  const byAgency = new Map<string, DueDelivery[]>();
  for (const delivery of due)
    byAgency.set(delivery.agencyCode, [...(byAgency.get(delivery.agencyCode) ?? []), delivery]);
  const queue = [...byAgency.values()];
  const results: Result[] = [];

  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      for (const delivery of group) {
        if (performance.now() - started > options.budgetMs) {
          results.push('skipped');
          continue;
        }
        try {
          results.push(await processDelivery(delivery, options, loadSubscription));
        } catch (error) {
          // One delivery's failure (e.g. DynamoDB throttling) must not stop the others; its lease expires.
          logger.error('webhook delivery failed unexpectedly', {
            deliveryId: delivery.id,
            error: error as Error,
          });
          results.push('skipped');
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));

  const count = (result: Result) => results.filter((r) => r === result).length;
  return {
    due: due.length,
    succeeded: count('succeeded'),
    retrying: count('retrying'),
    failed: count('failed'),
    skipped: count('skipped'),
  };
}
