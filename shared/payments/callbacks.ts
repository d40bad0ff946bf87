/**
 * Handling a gateway callback (IPN / payment-confirm), the same way for every protocol:
 *
 * 1. the adapter verifies the signature over the raw payload (constant time) and the timestamp
 *    where its protocol has one, and parses the notification;
 * 2. the order must exist for this gateway (unknown → "order not found");
 * 3. amount and currency must match the payment exactly (→ "invalid amount");
 * 4. a payment no longer pending answers "already confirmed" and changes nothing (replays);
 * 5. otherwise one conditional transition to paid / failed (concurrent duplicates: one wins, the
 *    other answers "already confirmed"), then the receipt is issued.
 *
 * Every refusal is logged with its reason; any unexpected error answers the protocol's "error"
 * (never an HTTP 500), so the gateway retries.
 */
import { logger } from '../platform/observability.ts';
import type {
  CallbackAnswer,
  CallbackOutcome,
  CallbackRequest,
  PaymentGatewayAdapter,
} from './gateways/gateway.ts';
import { issueReceiptQuietly } from './receipts.ts';
import { paymentByCode, settle } from './repository.ts';

export interface CallbackResult {
  readonly outcome: CallbackOutcome;
  readonly answer: CallbackAnswer;
  readonly paymentId?: string;
}

export async function handleCallback(
  adapter: PaymentGatewayAdapter,
  request: CallbackRequest,
  requestId: string,
): Promise<CallbackResult> {
  const gateway = adapter.settings.id;
  const done = (outcome: CallbackOutcome, detail: string, paymentId?: string): CallbackResult => {
    const log = outcome === 'confirmed' || outcome === 'already-confirmed' ? logger.info : logger.warn;
    log.call(logger, 'payment callback', { gateway, outcome, detail, ...(paymentId ? { paymentId } : {}) });
    return { outcome, answer: adapter.answer(outcome), ...(paymentId ? { paymentId } : {}) };
  };
  try {
    const verdict = adapter.verifyCallback(request);
    if (!verdict.ok) return done(verdict.reason, verdict.detail);
    const notice = verdict.notification;
    const payment = await paymentByCode(notice.code);
    if (!payment || payment.gateway !== gateway)
      return done('not-found', `No order ${notice.code} at ${gateway}`);
    if (notice.amount !== payment.amount || notice.currency !== payment.currency) {
      return done(
        'invalid-amount',
        `Expected ${payment.amount} ${payment.currency}, got ${notice.amount} ${notice.currency}`,
        payment.id,
      );
    }
    if (payment.status !== 'pending') {
      if (notice.outcome === 'paid' && payment.status !== 'paid' && payment.status !== 'refunded') {
        // Money taken for a payment we closed: reconciliation reports it; ops refund it.
        logger.error('paid callback for a closed payment', {
          gateway,
          paymentId: payment.id,
          status: payment.status,
        });
      }
      return done('already-confirmed', `The payment is ${payment.status}`, payment.id);
    }
    const result = await settle(
      payment,
      notice.outcome,
      {
        settledBy: 'callback',
        gatewayTransactionId: notice.gatewayTransactionId,
        failureCode: notice.failureCode,
      },
      {
        actor: { type: 'system', name: `payment-gateway:${gateway}` },
        correlationId: requestId,
      },
    );
    if (!result.changed)
      return done('already-confirmed', `The payment is ${result.payment.status}`, payment.id);
    if (result.payment.status === 'paid') await issueReceiptQuietly(result.payment);
    return done('confirmed', `The payment is ${result.payment.status}`, payment.id);
  } catch (error) {
    logger.error('payment callback failed', { gateway, error: error as Error });
    return { outcome: 'error', answer: adapter.answer('error') };
  }
}
