/**
 * Worked example of a signing provider (docs/extending.md § 4): agency seal keys held in a vendor
 * KEY STORE instead of an HSM or KMS — one JSON document, kept in a file (an encrypted volume, a
 * mounted secret) or in a Secrets Manager secret, that maps each agency code to its PKCS#8
 * private key (PEM, optionally encrypted) and its certificate chain (the agency's organization
 * certificate first, then intermediates, the root last):
 *
 * ```json
 * { "agencies": { "000.00.21.H62": { "keyPem": "-----BEGIN PRIVATE KEY-----…",
 *                                     "certificateChainPem": ["-----BEGIN CERTIFICATE-----…", "…"] } } }
 * ```
 *
 * The provider implements `SealKeyProvider` (shared/signing/sealing.ts): `sealKey(agency)` returns
 * a `SealKey` that signs with node:crypto (SHA-256; PKCS#1 v1.5 for RSA, DER-encoded ECDSA, what
 * CMS carries), and `trustAnchors()` the roots (and CRLs) verification trusts. The platform does
 * the rest — PAdES, CMS, verification — exactly as with KMS keys. On load it checks that each key
 * matches its certificate and that each certificate of the chain is issued by the next one, so a
 * wrong key store fails at the first seal with a clear message rather than with invalid signatures.
 *
 * The private keys leave the HSM-less store only into this process's memory: prefer KMS or an HSM
 * when the province has one; this suits a vendor whose keys are already issued as files.
 */
import { createPrivateKey, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import type { SealKey, SigningAlgorithm } from '#shared/signing/capability.ts';
import type { SealKeyProvider } from '#shared/signing/sealing.ts';

const pem = (label: string) =>
  z
    .string()
    .check(z.regex(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+-----END ${label}-----`), `A PEM ${label}`));

/** The key store document. */
export const KeyStore = z.strictObject({
  agencies: z.record(
    z.string().check(z.minLength(1)),
    z.strictObject({
      /** PKCS#8: `PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with the store's passphrase. */
      keyPem: z
        .string()
        .check(z.regex(/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/, 'A PKCS#8 PEM private key')),
      certificateChainPem: z.array(pem('CERTIFICATE')).check(z.minLength(1)),
    }),
  ),
});
export type KeyStore = z.infer<typeof KeyStore>;

export class KeyStoreError extends Error {
  override name = 'KeyStoreError';
}

export interface KeyStoreOptions {
  /** Reads the key store document (JSON text): a file, a secret… */
  readonly load: () => Promise<string>;
  /** PEM certificates of the roots signatures must chain to. */
  readonly trustedRootsPem: readonly string[];
  /** CRLs (PEM or DER) of the roots and intermediates, when the province has them. */
  readonly crls?: readonly (string | Uint8Array)[];
  /** Passphrase of encrypted PKCS#8 keys. */
  readonly passphrase?: string;
}

function algorithmOf(certificate: X509Certificate): SigningAlgorithm {
  const type = certificate.publicKey.asymmetricKeyType;
  if (type === 'rsa') return 'RSASSA_PKCS1_V1_5_SHA_256';
  if (type === 'ec') return 'ECDSA_SHA_256';
  throw new KeyStoreError(`Unsupported key type ${type ?? 'unknown'}: RSA or ECDSA P-256 keys sign here`);
}

/** One agency's SealKey, after checking the key against its certificate and the chain's order. */
export function keyStoreSealKey(
  agencyCode: string,
  entry: KeyStore['agencies'][string],
  passphrase?: string,
): SealKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: entry.keyPem, format: 'pem', ...(passphrase ? { passphrase } : {}) });
  } catch (error) {
    throw new KeyStoreError(`The key of ${agencyCode} cannot be read: ${(error as Error).message}`);
  }
  const chain = entry.certificateChainPem.map((certificate) => new X509Certificate(certificate));
  const leaf = chain[0]!;
  if (!leaf.checkPrivateKey(key)) {
    throw new KeyStoreError(`The key of ${agencyCode} does not match its certificate (${leaf.subject})`);
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    const [child, issuer] = [chain[i]!, chain[i + 1]!];
    if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey)) {
      throw new KeyStoreError(`The chain of ${agencyCode} is out of order at certificate ${i + 1}`);
    }
  }
  return {
    certificateChainPem: entry.certificateChainPem,
    algorithm: algorithmOf(leaf),
    // SHA-256 over the data (the signed attributes), like KMS with MessageType RAW.
    sign: async (data) => new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'der' })),
  };
}

/** The provider: the key store is read once, each agency's key is prepared on first use. */
export function keyStoreProvider(options: KeyStoreOptions): SealKeyProvider {
  let store: Promise<KeyStore> | undefined;
  const keys = new Map<string, SealKey>();
  const loadStore = () => {
    store ??= options.load().then((text) => {
      const parsed = KeyStore.safeParse(JSON.parse(text));
      if (!parsed.success) {
        const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
        throw new KeyStoreError(`The key store is not valid:\n${lines.join('\n')}`);
      }
      return parsed.data;
    });
    store.catch(() => {
      store = undefined; // a failed read is retried on the next seal
    });
    return store;
  };
  return {
    async sealKey(agencyId) {
      const cachedKey = keys.get(agencyId);
      if (cachedKey) return cachedKey;
      const entry = (await loadStore()).agencies[agencyId];
      if (!entry) throw new KeyStoreError(`The key store has no seal key for agency ${agencyId}`);
      const sealKey = keyStoreSealKey(agencyId, entry, options.passphrase);
      keys.set(agencyId, sealKey);
      return sealKey;
    },
    trustAnchors: async () => ({
      rootsPem: options.trustedRootsPem,
      ...(options.crls ? { crls: options.crls } : {}),
    }),
  };
}

/** A key store in a file (an encrypted volume, a mounted secret). */
export const fromFile = (path: string) => () => readFile(path, 'utf8');

/**
 * A key store in a Secrets Manager secret, read through the AWS Parameters and Secrets Lambda
 * extension (the layer the payment functions use as well). Not exercised against AWS here.
 */
export const fromSecret = (secretId: string) => async (): Promise<string> => {
  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await fetch(
    `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
    {
      headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
      signal: AbortSignal.timeout(3000),
    },
  );
  if (!response.ok) throw new KeyStoreError(`The secret ${secretId} could not be read (${response.status})`);
  const { SecretString } = (await response.json()) as { SecretString?: unknown };
  if (typeof SecretString !== 'string') throw new KeyStoreError(`The secret ${secretId} has no string value`);
  return SecretString;
};
