/**
 * Server-side signing with a seal key (the agency seal, con dấu): a PAdES-B signature added to any
 * PDF as an incremental update (read with shared/pdf/reader.ts, ./pades.ts), and a CAdES-B detached
 * signature for any other file. A PDF the platform writes itself carries its signature field from
 * the start and is signed with `signPlaceholder` (./pdf-signature.ts) without any PDF library
 * (payment receipts). The key is anything
 * behind `SealKey`: a KMS key in AWS, a local key in the local runtime.
 */
import { now } from '../platform/clock.ts';
import type { SealKey, SigningCapability } from './capability.ts';
import { chainOf, sha256, signDigestWithKey } from './cms.ts';
import { preparePdf, type VisibleStamp } from './pades.ts';
import { signPlaceholder } from './pdf-signature.ts';
import { sealKeyFor } from './sealing.ts';
import { signerOf } from './subject.ts';

export interface SealPdfOptions {
  readonly reason: string;
  readonly location?: string;
  readonly signingTime: Date;
  readonly stamp?: VisibleStamp;
}

export async function signPdfWithKey(
  key: SealKey,
  pdf: Uint8Array,
  options: SealPdfOptions,
): Promise<Uint8Array> {
  const prepared = await preparePdf(pdf, {
    reason: options.reason,
    ...(options.location ? { location: options.location } : {}),
    name: signerOf(chainOf(key).certificate).commonName,
    signingTime: options.signingTime,
    ...(options.stamp ? { stamp: options.stamp } : {}),
  });
  return signPlaceholder(key, prepared.pdf, prepared);
}

/** `SigningCapability.sealPdf` over a source of seal keys: the agency's seal, signed now. */
export const sealPdfWith =
  (sealKey: (agencyId: string) => Promise<SealKey>): SigningCapability['sealPdf'] =>
  async ({ agencyId, pdf, reason, location }) =>
    signPdfWithKey(await sealKey(agencyId), pdf, {
      reason,
      ...(location ? { location } : {}),
      signingTime: now(),
    });

/** Adds the agency's seal signature to any PDF (PAdES-B, incremental update), with the configured provider. */
export const sealPdf: SigningCapability['sealPdf'] = sealPdfWith(sealKeyFor);

/** A detached CMS (CAdES-B, with signingTime) over `content`, DER. */
export async function signDetachedWithKey(
  key: SealKey,
  content: Uint8Array,
  signingTime: Date,
): Promise<Uint8Array> {
  return signDigestWithKey(key, sha256(content), signingTime);
}
