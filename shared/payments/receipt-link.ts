/** Where a receipt is stored, and a short-lived link to download it (no PDF code: the API bundles this). */
import { presignDownload } from '../files/storage.ts';
import { ConflictError, HttpProblem } from '../http/errors.ts';
import type { Payment } from './payment.ts';

export const RECEIPT_LINK_TTL_SECONDS = 300;

export const receiptObjectKey = (payment: Pick<Payment, 'agencyCode' | 'id'>) =>
  `receipts/${payment.agencyCode}/${payment.id}.pdf`;

export async function receiptLink(payment: Payment): Promise<{ url: string; expiresAt: string }> {
  if (!payment.receipt) {
    if (payment.status === 'paid' || payment.status === 'refunded') {
      // Issued by the payment-receipts consumer within seconds of the confirmation.
      throw new HttpProblem('service-unavailable', 'The receipt is being issued; retry in a few seconds', {
        headers: { 'retry-after': '2' },
      });
    }
    throw new ConflictError(`The payment is ${payment.status}; receipts are issued for paid payments`, {
      status: payment.status,
    });
  }
  const expiresAt = new Date(Date.now() + RECEIPT_LINK_TTL_SECONDS * 1000).toISOString();
  const url = await presignDownload(
    receiptObjectKey(payment),
    {
      contentType: 'application/pdf',
      contentDisposition: `attachment; filename="bien-lai-${payment.code}.pdf"`,
    },
    RECEIPT_LINK_TTL_SECONDS,
  );
  return { url, expiresAt };
}
