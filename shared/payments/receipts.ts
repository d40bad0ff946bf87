/**
 * Issuing receipts: the PDF (./receipt.ts), sealed (./seal.ts), is stored once per paid payment in
 * the files bucket and recorded on the payment (`receipt`). Runs in the `payment-receipts` consumer
 * of PaymentPaid (functions/payments/receipts.ts), so the PDF and signing libraries are bundled
 * there only; links to download are made by ./receipt-link.ts.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getAgency } from '../agencies/repository.ts';
import { ConflictError } from '../http/errors.ts';
import { ddb, s3Client } from '../platform/aws-clients.ts';
import { ENV, requireEnv } from '../platform/env.ts';
import { nowIso, tableName } from '../platform/table.ts';
import { gatewaySettingsFromEnv } from './config.ts';
import { paymentKey } from './keys.ts';
import type { Payment } from './payment.ts';
import { receiptObjectKey } from './receipt-link.ts';
import { sealedReceipt } from './seal.ts';

const PROTOCOL_NAMES: Record<string, string> = {
  vnpay: 'cổng thanh toán VNPAY',
  paygov: 'Nền tảng thanh toán trực tuyến quốc gia (PayGov)',
  sandbox: 'cổng thanh toán thử nghiệm',
};

/** Builds, seals (when signing is available) and stores the receipt of a paid payment; idempotent. */
export async function issueReceipt(payment: Payment): Promise<Payment> {
  if (payment.receipt) return payment;
  if (payment.status !== 'paid' && payment.status !== 'refunded') {
    throw new ConflictError(`The payment is ${payment.status}; receipts are issued for paid payments`, {
      status: payment.status,
    });
  }
  const agency = await getAgency(payment.agencyCode);
  const settings = gatewaySettingsFromEnv().find((gateway) => gateway.id === payment.gateway);
  const { pdf, sealed } = await sealedReceipt({
    payment,
    agencyName: agency?.name ?? payment.agencyCode,
    gatewayName: settings?.displayName ?? PROTOCOL_NAMES[payment.protocol] ?? payment.gateway,
  });
  await s3Client().putObject(requireEnv(ENV.filesBucket), receiptObjectKey(payment), pdf, {
    contentType: 'application/pdf',
  });
  const receipt = { number: payment.code, issuedAt: nowIso(), sealed, size: pdf.length };
  try {
    await recordReceipt(payment.id, receipt);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    // Issued meanwhile by another invocation: the same content under the same key.
  }
  return { ...payment, receipt };
}

async function recordReceipt(id: string, receipt: NonNullable<Payment['receipt']>) {
  await ddb().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: paymentKey(id),
      UpdateExpression: 'SET receipt = :receipt',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(receipt)',
      ExpressionAttributeValues: { ':receipt': receipt },
    }),
  );
}
