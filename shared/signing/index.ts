/**
 * The signing capability (./capability.ts), configured from the environment, with everything the
 * signatures and documents domains need: sealing, detached CMS, verification, trust anchors. The
 * provider of seal keys is chosen by SIGNING_PROVIDER (./sealing.ts):
 * - SIGNING_PROVIDER=kms (AWS, the default): seal keys are asymmetric KMS keys bound to agencies in
 *   the certificate registry (./kms-key.ts); trusted roots are SIGNING_TRUSTED_ROOTS (PEM bundle).
 * - SIGNING_PROVIDER=local (the local runtime and tests): the local test PKI under LOCAL_PKI_DIR;
 *   seal keys are local ECDSA keys, the trusted root is the local root, its CRL is known. Installed
 *   by ./local-provider.ts, which only the local runtime and the tests load.
 * - SIGNING_PROVIDER=<name>: a vendor's provider registered with `registerSealKeyProvider`.
 *
 * A function that only seals imports ./sealing.ts instead: this module brings the verifier and
 * the PDF reader (shared/pdf/reader.ts).
 */

import { now } from '../platform/clock.ts';
import type { SealKey, SigningCapability, VerificationReport } from './capability.ts';
import type { LocalPki } from './local-pki.ts';
import { sealPdfWith, signDetachedWithKey } from './seal.ts';
import {
  type ConfiguredProvider,
  configuredProvider,
  type SealKeyProvider,
  type TrustAnchors,
} from './sealing.ts';
import { verifyDetached, verifyPdfSignatures } from './verify.ts';

export type { SealKey, SignatureReport, SigningCapability, VerificationReport } from './capability.ts';
export {
  registerSealKeyProvider,
  type SealKeyProvider,
  type SealKeyProviderFactory,
  SIGNING_ENV,
  splitPem,
  type TrustAnchors,
} from './sealing.ts';

/** The capability plus what the signatures domain itself needs (detached CMS, CRLs). */
export interface Signing extends SigningCapability {
  signDetached(input: { readonly agencyId: string; readonly content: Uint8Array }): Promise<Uint8Array>;
  verifyDetached(content: Uint8Array, signature: Uint8Array): Promise<VerificationReport>;
  trustAnchors(): Promise<TrustAnchors>;
  /** The local test PKI, when the provider is local (the local helper endpoints and tests use it). */
  readonly localPki?: LocalPki;
}

export function createSigning(
  provider: SealKeyProvider | Promise<SealKeyProvider>,
  localPki?: LocalPki,
): Signing {
  const ready = Promise.resolve(provider);
  const sealKey = async (agencyId: string): Promise<SealKey> => (await ready).sealKey(agencyId);
  const trustAnchors = async () => (await ready).trustAnchors();
  return {
    sealKey,
    trustAnchors,
    ...(localPki ? { localPki } : {}),
    sealPdf: sealPdfWith(sealKey),
    signDetached: async ({ agencyId, content }) =>
      signDetachedWithKey(await sealKey(agencyId), content, now()),
    verifyPdf: async (pdf) => verifyPdfSignatures(pdf, await trustAnchors()),
    verifyDetached: async (content, signature) => verifyDetached(content, signature, await trustAnchors()),
    trustedRootsPem: async () => (await trustAnchors()).rootsPem,
  };
}

let cached: { source: ConfiguredProvider; signing: Signing } | undefined;

/** The signing capability for this environment (one per process and configuration). */
export function signingCapability(): Signing {
  const source = configuredProvider();
  if (cached?.source !== source) {
    cached = { source, signing: createSigning(source.provider, source.localPki) };
  }
  return cached.signing;
}
