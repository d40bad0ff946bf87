/**
 * Issuing and serving receipts: the PDF (./receipt.ts) is stored once per paid payment in the
 * files bucket; the payment records it (`receipt`). Issued right after the payment is confirmed,
 * and on first download when that failed.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getAgency } from '../agencies/repository.ts';
import { presignDownload } from '../files/storage.ts';
import { ConflictError } from '../http/errors.ts';
import { ddb, s3Client } from '../platform/aws-clients.ts';
import { ENV, requireEnv } from '../platform/env.ts';
import { logger } from '../platform/observability.ts';
import { nowIso, tableName } from '../platform/table.ts';
import { gatewaySettingsFromEnv } from './config.ts';
import { paymentKey } from './keys.ts';
import type { Payment } from './payment.ts';
import { buildReceiptPdf } from './receipt.ts';
import { sealReceipt } from './seal.ts';

export const RECEIPT_LINK_TTL_SECONDS = 300;

export const receiptObjectKey = (payment: Pick<Payment, 'agencyCode' | 'id'>) =>
  `receipts/${payment.agencyCode}/${payment.id}.pdf`;

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
  const unsealed = await buildReceiptPdf({
    payment,
    agencyName: agency?.name ?? payment.agencyCode,
    gatewayName: settings?.displayName ?? PROTOCOL_NAMES[payment.protocol] ?? payment.gateway,
  });
  const { pdf, sealed } = await sealReceipt(payment, unsealed);
  await s3Client().send(
    new PutObjectCommand({
      Bucket: requireEnv(ENV.filesBucket),
      Key: receiptObjectKey(payment),
      Body: pdf,
      ContentType: 'application/pdf',
    }),
  );
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

/** Issues the receipt after a confirmation without failing it: a failure is logged and retried on download. */
export async function issueReceiptQuietly(payment: Payment): Promise<void> {
  try {
    await issueReceipt(payment);
  } catch (error) {
    logger.warn('receipt not issued yet', { paymentId: payment.id, error: error as Error });
  }
}

export async function receiptLink(payment: Payment): Promise<{ url: string; expiresAt: string }> {
  const issued = await issueReceipt(payment);
  const expiresAt = new Date(Date.now() + RECEIPT_LINK_TTL_SECONDS * 1000).toISOString();
  const url = await presignDownload(
    receiptObjectKey(issued),
    {
      contentType: 'application/pdf',
      contentDisposition: `attachment; filename="bien-lai-${issued.code}.pdf"`,
    },
    RECEIPT_LINK_TTL_SECONDS,
  );
  return { url, expiresAt };
}
