/**
 * The agency's seal key, and nothing more: which seal-key provider this process uses
 * (SIGNING_PROVIDER) and `sealKeyFor`. What a function that only seals PDFs it writes itself imports
 * (payment receipts, shared/payments/seal.ts, with ./pdf-signature.ts): it reaches neither the
 * verifier (./verify.ts), nor the certificate registry, nor the local test PKI, nor the PDF reader,
 * so such a bundle carries no ASN.1, X.509 or PDF library (tests/unit/bundle-seal-path.test.ts).
 * Sealing any PDF is ./seal.ts (`sealPdf`); the full capability (verification, detached CMS, trust
 * anchors) is ./index.ts, built on this.
 *
 * Providers:
 * - `kms` (AWS, the default): asymmetric KMS keys bound to agencies (./kms-key.ts); trusted roots
 *   from SIGNING_TRUSTED_ROOTS_FILE or SIGNING_TRUSTED_ROOTS, read when first verifying.
 * - `local` (the local runtime and tests): the local test PKI under LOCAL_PKI_DIR. It is never
 *   deployed: ./local-provider.ts installs it, and only the local runtime (infra/local) and the
 *   tests load that module. Without it SIGNING_PROVIDER=local is refused with a message saying so.
 * - `<name>`: a vendor's provider registered with `registerSealKeyProvider` (docs/extending.md § 4).
 */
import { readFileSync } from 'node:fs';
import { optionalEnv, requireEnv } from '../platform/env.ts';
import type { SealKey } from './capability.ts';
import { kmsSealKey } from './kms-key.ts';
import type { LocalPki } from './local-pki.ts';

export const SIGNING_ENV = {
  provider: 'SIGNING_PROVIDER',
  localPkiDir: 'LOCAL_PKI_DIR',
  trustedRoots: 'SIGNING_TRUSTED_ROOTS',
  /** A PEM bundle file instead (the CDK ships the province's roots beside the bundle). */
  trustedRootsFile: 'SIGNING_TRUSTED_ROOTS_FILE',
} as const;

export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export interface TrustAnchors {
  readonly rootsPem: readonly string[];
  /** CRLs (PEM or DER) of the roots and intermediates, when the province has them. */
  readonly crls?: readonly (string | Uint8Array)[];
}

export interface SealKeyProvider {
  sealKey(agencyId: string): Promise<SealKey>;
  trustAnchors(): Promise<TrustAnchors>;
}

/** Builds a vendor's seal-key provider (an HSM, a remote signing service, a key store). */
export type SealKeyProviderFactory = () => SealKeyProvider | Promise<SealKeyProvider>;

/** The local test PKI as a provider (./local-provider.ts), with the PKI itself for the local helpers. */
export interface LocalSealKeyProvider extends SealKeyProvider {
  readonly localPki: LocalPki;
}

/** The provider this process is configured with. */
export interface ConfiguredProvider {
  readonly name: string;
  readonly provider: Promise<SealKeyProvider>;
  /** The local test PKI, when the provider is `local`. */
  readonly localPki?: LocalPki;
}

const vendorFactories = new Map<string, SealKeyProviderFactory>();
/** One per configuration (`<name>`, or `local:<dir>`), until its provider is registered again. */
const configured = new Map<string, ConfiguredProvider>();
let localProviderFor: ((dir: string) => LocalSealKeyProvider) | undefined;

/**
 * Registers a vendor's seal-key provider under a name, chosen with SIGNING_PROVIDER=<name>
 * (docs/extending.md § 4). `local` and `kms` are the platform's own and cannot be replaced.
 */
export function registerSealKeyProvider(name: string, factory: SealKeyProviderFactory): void {
  if (name === 'local' || name === 'kms') throw new Error(`The ${name} signing provider is built in`);
  vendorFactories.set(name, factory);
  configured.delete(name);
}

/**
 * Installs the built-in `local` provider. Only ./local-provider.ts calls this (loaded by the local
 * runtime and the tests, never by a function); vendors use `registerSealKeyProvider`.
 */
export function installLocalSealKeyProvider(providerFor: (dir: string) => LocalSealKeyProvider): void {
  localProviderFor = providerFor;
  for (const key of configured.keys()) if (key.startsWith('local:')) configured.delete(key);
}

function kmsProvider(): SealKeyProvider {
  let rootsPem: string[] | undefined;
  return {
    sealKey: kmsSealKey,
    trustAnchors: async () => {
      const rootsFile = optionalEnv(SIGNING_ENV.trustedRootsFile);
      rootsPem ??= splitPem(
        rootsFile ? readFileSync(rootsFile, 'utf8') : requireEnv(SIGNING_ENV.trustedRoots),
      );
      return { rootsPem };
    },
  };
}

function create(name: string): ConfiguredProvider {
  if (name === 'kms') return { name, provider: Promise.resolve(kmsProvider()) };
  if (name === 'local') {
    if (!localProviderFor) {
      throw new Error(
        'SIGNING_PROVIDER=local needs the local test PKI, which this process has not loaded: the local ' +
          'runtime and the test setup install it (shared/signing/local-provider.ts); it is never deployed',
      );
    }
    const local = localProviderFor(requireEnv(SIGNING_ENV.localPkiDir));
    return { name, provider: Promise.resolve(local), localPki: local.localPki };
  }
  const factory = vendorFactories.get(name);
  if (!factory) {
    throw new Error(`SIGNING_PROVIDER must be local, kms or a registered provider, not ${name}`);
  }
  const provider = Promise.resolve().then(factory);
  provider.catch(() => undefined);
  return { name, provider };
}

/** The seal-key provider SIGNING_PROVIDER names (kms by default), the same object until it changes. */
export function configuredProvider(): ConfiguredProvider {
  const name = optionalEnv(SIGNING_ENV.provider) ?? 'kms';
  const key = name === 'local' ? `local:${optionalEnv(SIGNING_ENV.localPkiDir) ?? ''}` : name;
  let entry = configured.get(key);
  if (!entry) {
    entry = create(name);
    configured.set(key, entry);
  }
  return entry;
}

/** The agency's seal key from the configured provider. */
export async function sealKeyFor(agencyId: string): Promise<SealKey> {
  return (await configuredProvider().provider).sealKey(agencyId);
}
