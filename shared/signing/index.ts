/**
 * The signing capability (./capability.ts), configured from the environment:
 * - SIGNING_PROVIDER=local (the local runtime and tests): the local test PKI under LOCAL_PKI_DIR;
 *   seal keys are local ECDSA keys, the trusted root is the local root, its CRL is known.
 * - SIGNING_PROVIDER=kms (AWS, the default): seal keys are asymmetric KMS keys bound to agencies in
 *   the certificate registry (./kms-key.ts); trusted roots are SIGNING_TRUSTED_ROOTS (PEM bundle).
 * - SIGNING_PROVIDER=<name>: a vendor's provider registered with `registerSealKeyProvider`.
 */

import { readFileSync } from 'node:fs';
import { getAgency } from '../agencies/repository.ts';
import { now } from '../platform/clock.ts';
import { ENV, optionalEnv, requireEnv } from '../platform/env.ts';
import type { SealKey, SigningCapability, VerificationReport } from './capability.ts';
import { kmsSealKey } from './kms-key.ts';
import { LocalPki } from './local-pki.ts';
import { signDetachedWithKey, signPdfWithKey } from './seal.ts';
import { type TrustAnchors, verifyDetached, verifyPdfSignatures } from './verify.ts';

export type { SealKey, SignatureReport, SigningCapability, VerificationReport } from './capability.ts';

export const SIGNING_ENV = {
  provider: 'SIGNING_PROVIDER',
  localPkiDir: 'LOCAL_PKI_DIR',
  trustedRoots: 'SIGNING_TRUSTED_ROOTS',
  /** A PEM bundle file instead (the CDK ships the province's roots beside the bundle). */
  trustedRootsFile: 'SIGNING_TRUSTED_ROOTS_FILE',
} as const;

/** The capability plus what the signatures domain itself needs (detached CMS, CRLs). */
export interface Signing extends SigningCapability {
  signDetached(input: { readonly agencyId: string; readonly content: Uint8Array }): Promise<Uint8Array>;
  verifyDetached(content: Uint8Array, signature: Uint8Array): Promise<VerificationReport>;
  trustAnchors(): Promise<TrustAnchors>;
  /** The local test PKI, when the provider is local (the local helper endpoints and tests use it). */
  readonly localPki?: LocalPki;
}

export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export interface SealKeyProvider {
  sealKey(agencyId: string): Promise<SealKey>;
  trustAnchors(): Promise<TrustAnchors>;
}

function localProvider(pki: LocalPki): SealKeyProvider {
  return {
    sealKey: async (agencyId) => pki.sealKey(agencyId, await agencyName(agencyId)),
    trustAnchors: async () => {
      const [root, crl] = await Promise.all([pki.root(), pki.crlPem()]);
      return { rootsPem: [root.certificatePem], crls: [crl] };
    },
  };
}

async function agencyName(code: string): Promise<string | undefined> {
  if (!optionalEnv(ENV.tableName)) return undefined;
  try {
    return (await getAgency(code))?.name;
  } catch {
    return undefined;
  }
}

async function kmsProvider(): Promise<SealKeyProvider> {
  const rootsFile = optionalEnv(SIGNING_ENV.trustedRootsFile);
  const rootsPem = splitPem(
    rootsFile ? readFileSync(rootsFile, 'utf8') : requireEnv(SIGNING_ENV.trustedRoots),
  );
  return { sealKey: kmsSealKey, trustAnchors: async () => ({ rootsPem }) };
}

export function createSigning(
  provider: SealKeyProvider | Promise<SealKeyProvider>,
  localPki?: LocalPki,
): Signing {
  const ready = Promise.resolve(provider);
  const sealKey = async (agencyId: string) => (await ready).sealKey(agencyId);
  const trustAnchors = async () => (await ready).trustAnchors();
  return {
    sealKey,
    trustAnchors,
    ...(localPki ? { localPki } : {}),
    sealPdf: async ({ agencyId, pdf, reason, location }) =>
      signPdfWithKey(await sealKey(agencyId), pdf, {
        reason,
        ...(location ? { location } : {}),
        signingTime: now(),
      }),
    signDetached: async ({ agencyId, content }) =>
      signDetachedWithKey(await sealKey(agencyId), content, now()),
    verifyPdf: async (pdf) => verifyPdfSignatures(pdf, await trustAnchors()),
    verifyDetached: async (content, signature) => verifyDetached(content, signature, await trustAnchors()),
    trustedRootsPem: async () => (await trustAnchors()).rootsPem,
  };
}

/** Builds a vendor's seal-key provider (an HSM, a remote signing service, a key store). */
export type SealKeyProviderFactory = () => SealKeyProvider | Promise<SealKeyProvider>;

const vendorProviders = new Map<string, SealKeyProviderFactory>();

let cached: { key: string; signing: Signing } | undefined;

/**
 * Registers a vendor's seal-key provider under a name, chosen with SIGNING_PROVIDER=<name>
 * (docs/extending.md § 4). `local` and `kms` are the platform's own and cannot be replaced.
 */
export function registerSealKeyProvider(name: string, factory: SealKeyProviderFactory): void {
  if (name === 'local' || name === 'kms') throw new Error(`The ${name} signing provider is built in`);
  vendorProviders.set(name, factory);
  if (cached?.key.startsWith(`${name}:`)) cached = undefined;
}

/** The signing capability for this environment (one per process and configuration). */
export function signingCapability(): Signing {
  const provider = optionalEnv(SIGNING_ENV.provider) ?? 'kms';
  const key = `${provider}:${optionalEnv(SIGNING_ENV.localPkiDir) ?? ''}`;
  if (cached?.key === key) return cached.signing;
  let signing: Signing;
  if (provider === 'local') {
    const pki = new LocalPki(requireEnv(SIGNING_ENV.localPkiDir));
    signing = createSigning(localProvider(pki), pki);
  } else if (provider === 'kms') {
    const pending = kmsProvider();
    pending.catch(() => undefined);
    signing = createSigning(pending);
  } else if (vendorProviders.has(provider)) {
    const pending = Promise.resolve().then(vendorProviders.get(provider)!);
    pending.catch(() => undefined);
    signing = createSigning(pending);
  } else {
    throw new Error(`SIGNING_PROVIDER must be local, kms or a registered provider, not ${provider}`);
  }
  cached = { key, signing };
  return signing;
}
