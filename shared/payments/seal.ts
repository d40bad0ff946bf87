/**
 * The sealed receipt (chữ ký số của cơ quan, PAdES-B): the receipt is written with an empty signature
 * field (shared/pdf/writer.ts) and signed with the collecting agency's seal key
 * (shared/signing/sealing.ts, shared/signing/pdf-signature.ts): one revision, and no ASN.1, X.509 or
 * PDF library in the receipt worker. When the agency has no seal key yet (no organization
 * certificate registered) or signing fails, the receipt is stored unsealed, without the field
 * (`receipt.sealed: false`), and the reason logged: a payer is never left without a receipt.
 */
import { now } from '../platform/clock.ts';
import { logger } from '../platform/observability.ts';
import { chainOf } from '../signing/cms.ts';
import { signPlaceholder } from '../signing/pdf-signature.ts';
import { sealKeyFor } from '../signing/sealing.ts';
import { signerOf } from '../signing/subject.ts';
import { buildReceiptPdf, type ReceiptInput } from './receipt.ts';

export const RECEIPT_SEAL_REASON = 'Biên lai thu phí, lệ phí điện tử';

/** The receipt PDF, sealed by the collecting agency when it can be. */
export async function sealedReceipt(input: ReceiptInput): Promise<{ pdf: Uint8Array; sealed: boolean }> {
  const { payment } = input;
  try {
    const key = await sealKeyFor(payment.agencyCode);
    const saved = await buildReceiptPdf(input, {
      signatureField: {
        reason: RECEIPT_SEAL_REASON,
        name: signerOf(chainOf(key).certificate).commonName,
        signingTime: now(),
      },
    });
    return { pdf: await signPlaceholder(key, saved.pdf, saved.signature!), sealed: true };
  } catch (error) {
    logger.warn('receipt stored unsealed', { code: payment.code, error: error as Error });
    return { pdf: (await buildReceiptPdf(input)).pdf, sealed: false };
  }
}
