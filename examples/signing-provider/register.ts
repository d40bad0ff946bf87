/**
 * Registers the key-store provider under the name `key-store`: a process with
 * `SIGNING_PROVIDER=key-store` then seals with it through `signingCapability()` (and the lean
 * `sealPdf` of shared/signing/sealing.ts, which the receipt worker uses), with no other change. Configuration (environment):
 * - `SIGNING_KEY_STORE_FILE` (a path) or `SIGNING_KEY_STORE_SECRET` (a Secrets Manager secret id):
 *   where the key store document is,
 * - `SIGNING_KEY_STORE_PASSPHRASE` (optional): the passphrase of encrypted PKCS#8 keys,
 * - `SIGNING_TRUSTED_ROOTS`: the trusted roots (PEM bundle), as with the KMS provider.
 *
 * Import this module once in every process that signs or verifies (in AWS: the entry points of
 * the functions whose profile sets SIGNING_PROVIDER, infra/cdk/function-profiles.ts). It imports
 * shared/signing/sealing.ts, not index.ts, so a function that only seals stays without the verifier.
 */
import { registerSealKeyProvider, SIGNING_ENV, splitPem } from '#shared/signing/sealing.ts';
import { fromFile, fromSecret, KeyStoreError, keyStoreProvider } from './key-store.ts';

export const KEY_STORE_PROVIDER = 'key-store';

export function registerKeyStoreProvider(): void {
  registerSealKeyProvider(KEY_STORE_PROVIDER, () => {
    const file = process.env.SIGNING_KEY_STORE_FILE;
    const secret = process.env.SIGNING_KEY_STORE_SECRET;
    if (!file && !secret) {
      throw new KeyStoreError(
        'Set SIGNING_KEY_STORE_FILE or SIGNING_KEY_STORE_SECRET for the key-store provider',
      );
    }
    const trustedRootsPem = splitPem(process.env[SIGNING_ENV.trustedRoots] ?? '');
    if (trustedRootsPem.length === 0) throw new KeyStoreError('SIGNING_TRUSTED_ROOTS holds no certificate');
    const passphrase = process.env.SIGNING_KEY_STORE_PASSPHRASE;
    return keyStoreProvider({
      load: file ? fromFile(file) : fromSecret(secret!),
      trustedRootsPem,
      ...(passphrase ? { passphrase } : {}),
    });
  });
}

registerKeyStoreProvider();
