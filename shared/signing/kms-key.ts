/**
 * Agency seal keys in AWS KMS (asymmetric, SIGN_VERIFY, ECC_NIST_P256 or RSA_2048). The private key
 * never leaves KMS; the agency's organization certificate (issued by the Government CA for the key's
 * public key) is bound to the key in the certificate registry (`PUT /v1/agencies/{code}/seal-key`,
 * item `SEALKEY#<agency>`). Signing sends the SHA-256 of the signed attributes (`MessageType: DIGEST`),
 * and KMS returns PKCS#1 v1.5 or DER-encoded ECDSA signatures, exactly what CMS carries.
 *
 * Not exercised against AWS from this repository (no account reachable); the request/response mapping
 * is tested against a loopback endpoint that speaks the KMS JSON protocol (tests/unit/kms-seal-key.test.ts).
 */
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../platform/aws-clients.ts';
import { tableName } from '../platform/table.ts';
import type { SealKey, SigningAlgorithm } from './capability.ts';
import { algorithmOf, certificateDer, sha256 } from './cms.ts';
import { sealKeyKey } from './keys.ts';

let kms: KMSClient | undefined;
const kmsClient = (): KMSClient => {
  kms ??= new KMSClient({ maxAttempts: 3 });
  return kms;
};

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
  client: KMSClient = kmsClient(),
): SealKey {
  const [leaf] = certificateChainPem;
  if (!leaf) throw new SealKeyMissing('The seal key has no certificate');
  const algorithm: SigningAlgorithm = algorithmOf(certificateDer(leaf));
  return {
    certificateChainPem,
    algorithm,
    sign: async (data) => {
      const result = await client.send(
        new SignCommand({
          KeyId: kmsKeyId,
          Message: sha256(data),
          MessageType: 'DIGEST',
          SigningAlgorithm: algorithm,
        }),
      );
      if (!result.Signature) throw new Error('KMS returned no signature');
      return new Uint8Array(result.Signature);
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
