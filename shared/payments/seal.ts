/**
 * Sealing a receipt with the collecting agency's seal (chữ ký số của cơ quan), through the signing
 * capability (shared/signing/capability.ts, implemented by issue #8). Until the capability is
 * merged the receipt is stored unsealed (`receipt.sealed: false`).
 */
import type { Payment } from './payment.ts';

export async function sealReceipt(
  _payment: Pick<Payment, 'agencyCode' | 'code'>,
  pdf: Uint8Array,
): Promise<{ pdf: Uint8Array; sealed: boolean }> {
  return { pdf, sealed: false };
}
