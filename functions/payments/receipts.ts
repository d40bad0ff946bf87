/**
 * EventBridge target of PaymentPaid (rule `payment-receipts`, events/routing/rules.ts): builds the
 * electronic receipt, seals it with the collecting agency's seal and stores it
 * (shared/payments/receipts.ts). Idempotent (one receipt per payment); a failure throws, so the
 * event is retried and finally dead-lettered.
 */
import { PaymentPaidV1 } from '#events/payments/payment-events.v1.ts';
import { createConsumer } from '#shared/events/consumer.ts';
import { issueReceipt } from '#shared/payments/receipts.ts';
import { getPayment } from '#shared/payments/repository.ts';
import { logger } from '#shared/platform/observability.ts';

export const CONSUMER_ID = 'payment-receipts';

export const handler = createConsumer({
  id: CONSUMER_ID,
  contracts: [PaymentPaidV1],
  async handle(detail) {
    const payment = await getPayment(detail.entity.id);
    if (!payment) throw new Error(`Payment ${detail.entity.id} not found`);
    const issued = await issueReceipt(payment);
    logger.info('payment receipt issued', { paymentId: payment.id, sealed: issued.receipt?.sealed });
  },
});
