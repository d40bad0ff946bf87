/**
 * Agency seal keys in AWS KMS (asymmetric, SIGN_VERIFY, ECC_NIST_P256 or RSA_2048). The private key
 * never leaves KMS; the agency's organization certificate (issued by the Government CA for the key's
 * public key) is bound to the key in the certificate registry (`POST /v1/seal-keys`, item
 * `SEALKEY#<agency>`). An agency without a bound key, or whose key KMS refuses (deleted, disabled,
 * pending deletion), gets a 409 saying so (SealKeyMissing), not a 500. Signing sends the signed attributes themselves (`MessageType: RAW`, a few
 * hundred bytes, within KMS's 4 KB limit; KMS hashes with SHA-256), and KMS returns PKCS#1 v1.5 or
 * DER-encoded ECDSA signatures, exactly what CMS carries.
 *
 * KMS is reached through our small client (../platform/kms.ts), not `@aws-sdk/client-kms`.
 *
 * Not exercised against AWS from this repository (no account reachable); the request/response mapping
 * is tested against a loopback endpoint that speaks the KMS JSON protocol (tests/unit/kms-seal-key.test.ts),
 * and the requests against the SDK's, byte for byte (tests/unit/kms-signing.test.ts).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../http/errors.ts';
import { ddb, kmsClient } from '../platform/aws-clients.ts';
import { AwsServiceError } from '../platform/aws-http.ts';
import type { Kms } from '../platform/kms.ts';
import { tableName } from '../platform/table.ts';
import type { SealKey, SigningAlgorithm } from './capability.ts';
import { algorithmOf, certificateDer } from './cms.ts';
import { sealKeyKey } from './keys.ts';

const KMS_RAW_MESSAGE_LIMIT = 4096;

/** The agency cannot seal: no key is bound, or KMS refuses the bound key. A 409: an administrator binds a usable key. */
export class SealKeyMissing extends ConflictError {
  constructor(detail: string, cause?: unknown) {
    super(detail);
    this.name = 'SealKeyMissing';
    if (cause !== undefined) this.cause = cause;
  }
}

/** KMS errors that mean the key itself cannot sign (its state), not that KMS is unavailable. */
const UNUSABLE_KEY = new Set([
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'InvalidKeyUsageException',
]);

export interface SealKeyBinding {
  readonly agencyCode: string;
  readonly kmsKeyId: string;
  readonly certificateChainPem: readonly string[];
}

/** A SealKey over a KMS key id or alias. */
export function kmsKey(
  kmsKeyId: string,
  certificateChainPem: readonly string[],
  client: Kms = kmsClient(),
): SealKey {
  const [leaf] = certificateChainPem;
  if (!leaf) throw new SealKeyMissing('The seal key has no certificate');
  const algorithm: SigningAlgorithm = algorithmOf(certificateDer(leaf));
  return {
    certificateChainPem,
    algorithm,
    sign: async (data) => {
      if (data.length > KMS_RAW_MESSAGE_LIMIT)
        throw new Error('KMS signs raw messages of at most 4096 bytes');
      // Our client fails an answer without a signature (MalformedResponse).
      let result: Awaited<ReturnType<Kms['sign']>>;
      try {
        result = await client.sign({
          KeyId: kmsKeyId,
          Message: data,
          MessageType: 'RAW',
          SigningAlgorithm: algorithm,
        });
      } catch (error) {
        if (error instanceof AwsServiceError && UNUSABLE_KEY.has(error.name)) {
          throw new SealKeyMissing(
            `The agency's seal key cannot sign (KMS ${error.name}); an administrator binds a usable key with POST /v1/seal-keys`,
            error,
          );
        }
        throw error;
      }
      return result.Signature;
    },
  };
}

export async function kmsSealKey(agencyCode: string): Promise<SealKey> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: sealKeyKey(agencyCode) }));
  const binding = Item as SealKeyBinding | undefined;
  if (!binding)
    throw new SealKeyMissing(
      `Agency ${agencyCode} has no seal key; an administrator binds one with POST /v1/seal-keys`,
    );
  return kmsKey(binding.kmsKeyId, binding.certificateChainPem);
}
