/**
 * Sealing a receipt with the collecting agency's seal (chữ ký số của cơ quan, PAdES) through the
 * seal path of the signing capability (shared/signing/sealing.ts: no verifier, so no ASN.1 or X.509
 * library in the receipt worker). When the agency has no seal key yet (no organization certificate
 * registered) or signing is unavailable, the receipt is stored unsealed (`receipt.sealed: false`)
 * and the reason logged: a payer is never left without a receipt.
 */
import { logger } from '../platform/observability.ts';
import { sealPdf } from '../signing/sealing.ts';
import type { Payment } from './payment.ts';

export const RECEIPT_SEAL_REASON = 'Biên lai thu phí, lệ phí điện tử';

export async function sealReceipt(
  payment: Pick<Payment, 'agencyCode' | 'code'>,
  pdf: Uint8Array,
): Promise<{ pdf: Uint8Array; sealed: boolean }> {
  try {
    const sealed = await sealPdf({
      agencyId: payment.agencyCode,
      pdf,
      reason: RECEIPT_SEAL_REASON,
    });
    return { pdf: sealed, sealed: true };
  } catch (error) {
    logger.warn('receipt stored unsealed', { code: payment.code, error: error as Error });
    return { pdf, sealed: false };
  }
}
