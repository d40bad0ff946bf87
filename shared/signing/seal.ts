/**
 * Server-side signing with a seal key (the agency seal, con dấu): a PAdES-B signature added as an
 * incremental update, and a CAdES-B detached signature for any other file. The key is anything
 * behind `SealKey`: a KMS key in AWS, a local key in the local runtime.
 */
import type { SealKey } from './capability.ts';
import { assembleSignedData, buildSignedAttributes, certificateDer, sha256 } from './cms.ts';
import { embedCms, preparePdf, type VisibleStamp } from './pades.ts';
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
  const chain = key.certificateChainPem.map(certificateDer);
  const [certificate] = chain;
  if (!certificate) throw new Error('The seal key has no certificate');
  const prepared = await preparePdf(pdf, {
    reason: options.reason,
    ...(options.location ? { location: options.location } : {}),
    name: signerOf(certificate).commonName,
    signingTime: options.signingTime,
    ...(options.stamp ? { stamp: options.stamp } : {}),
  });
  const signedAttributes = buildSignedAttributes({ messageDigest: prepared.digest, certificate });
  const signatureValue = await key.sign(signedAttributes);
  const cms = assembleSignedData({ signedAttributes, signatureValue, certificates: chain });
  return embedCms(prepared.pdf, prepared.byteRange, cms);
}

/** A detached CMS (CAdES-B, with signingTime) over `content`, DER. */
export async function signDetachedWithKey(
  key: SealKey,
  content: Uint8Array,
  signingTime: Date,
): Promise<Uint8Array> {
  const chain = key.certificateChainPem.map(certificateDer);
  const [certificate] = chain;
  if (!certificate) throw new Error('The seal key has no certificate');
  const signedAttributes = buildSignedAttributes({
    messageDigest: sha256(content),
    certificate,
    signingTime,
  });
  const signatureValue = await key.sign(signedAttributes);
  return assembleSignedData({ signedAttributes, signatureValue, certificates: chain });
}
