/**
 * Agency seal keys in AWS KMS (asymmetric, SIGN_VERIFY, ECC_NIST_P256 or RSA_2048). The private key
 * never leaves KMS; the agency's organization certificate (issued by the Government CA for the key's
 * public key) is bound to the key in the certificate registry (`PUT /v1/agencies/{code}/seal-key`,
 * item `SEALKEY#<agency>`). Signing sends the signed attributes themselves (`MessageType: RAW`, a few
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
import { ddb, kmsClient } from '../platform/aws-clients.ts';
import type { Kms } from '../platform/kms.ts';
import { tableName } from '../platform/table.ts';
import type { SealKey, SigningAlgorithm } from './capability.ts';
import { algorithmOf, certificateDer } from './cms.ts';
import { sealKeyKey } from './keys.ts';

const KMS_RAW_MESSAGE_LIMIT = 4096;

export class SealKeyMissing extends Error {
  override name = 'SealKeyMissing';
}

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
      const result = await client.sign({
        KeyId: kmsKeyId,
        Message: data,
        MessageType: 'RAW',
        SigningAlgorithm: algorithm,
      });
      return result.Signature;
    },
  };
}

export async function kmsSealKey(agencyCode: string): Promise<SealKey> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: sealKeyKey(agencyCode) }));
  const binding = Item as SealKeyBinding | undefined;
  if (!binding)
    throw new SealKeyMissing(
      `Agency ${agencyCode} has no seal key; bind one with PUT /v1/agencies/${agencyCode}/seal-key`,
    );
  return kmsKey(binding.kmsKeyId, binding.certificateChainPem);
}
