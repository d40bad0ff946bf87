/**
 * Building CMS SignedData (RFC 5652) for PAdES-B (ETSI EN 319 142-1) and CAdES-B detached
 * signatures: the signed attributes a signer signs (contentType, messageDigest, ESS
 * signingCertificateV2 and, outside PDFs, signingTime), and the SignedData around a signature value
 * made elsewhere (a seal key, a token, a SIM, a remote signing service).
 *
 * Written with the small DER encoder (./der.ts) and node:crypto, so the functions that only seal
 * (payment receipts) bundle no ASN.1 library. Parsing and checking a signature someone else made
 * is ./cms-verify.ts. The output is byte for byte what the earlier builder on
 * @peculiar/asn1-cms produced (tests/unit/cms-builder.test.ts).
 */
import { createHash, X509Certificate as NodeCertificate } from 'node:crypto';
import type { SealKey, SigningAlgorithm } from './capability.ts';
import {
  explicit,
  implicit,
  NULL,
  octetString,
  oid,
  readOnly,
  sequence,
  set,
  smallInteger,
  TAG,
  time,
  tlv,
} from './der.ts';
import { certificateFields } from './x509.ts';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecPublicKey: '1.2.840.10045.2.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

export const sha256 = (...parts: readonly Uint8Array[]): Uint8Array => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

/** DER of a certificate given as PEM or DER. */
export function certificateDer(certificate: string | Uint8Array): Uint8Array {
  return typeof certificate === 'string'
    ? new Uint8Array(new NodeCertificate(certificate).raw)
    : new Uint8Array(certificate);
}

/** A seal key's certificate chain as DER: its own certificate, and the whole chain (own first). */
export function chainOf(key: Pick<SealKey, 'certificateChainPem'>): {
  certificate: Uint8Array;
  chain: Uint8Array[];
} {
  const chain = key.certificateChainPem.map(certificateDer);
  const [certificate] = chain;
  if (!certificate) throw new Error('The seal key has no certificate');
  return { certificate, chain };
}

/**
 * A detached CMS SignedData made by a seal key over a content's SHA-256 `messageDigest`, with the
 * key's chain; `signingTime` as a signed attribute for CAdES (PAdES puts it in the dictionary).
 */
export async function signDigestWithKey(
  key: SealKey,
  messageDigest: Uint8Array,
  signingTime?: Date,
): Promise<Uint8Array> {
  const { certificate, chain } = chainOf(key);
  const signedAttributes = buildSignedAttributes({ messageDigest, certificate, signingTime });
  const signatureValue = await key.sign(signedAttributes);
  return assembleSignedData({ signedAttributes, signatureValue, certificates: chain });
}

export function algorithmOf(certificate: Uint8Array): SigningAlgorithm {
  const type = new NodeCertificate(certificate).publicKey.asymmetricKeyType;
  if (type === 'rsa') return 'RSASSA_PKCS1_V1_5_SHA_256';
  if (type === 'ec') return 'ECDSA_SHA_256';
  throw new CmsError(`Unsupported key type ${type ?? 'unknown'}: RSA or ECDSA P-256 keys sign here`);
}

export class CmsError extends Error {
  override name = 'CmsError';
}

/** AlgorithmIdentifier of SHA-256 (parameters absent, RFC 5754 § 2). */
const SHA256 = sequence(oid(OID.sha256));

/**
 * ESS SigningCertificateV2 (RFC 5035): SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, one ESSCertIDv2
 * { hashAlgorithm DEFAULT sha256 (omitted), certHash, issuerSerial { issuer GeneralNames
 * ([4] directoryName), serialNumber } }.
 */
function signingCertificateV2(certificate: Uint8Array): Uint8Array {
  const { issuer, serialNumber } = certificateFields(certificate);
  const issuerSerial = sequence(sequence(explicit(4, issuer)), serialNumber);
  return sequence(sequence(sequence(octetString(sha256(certificate)), issuerSerial)));
}

const attribute = (type: string, value: Uint8Array): Uint8Array => sequence(oid(type), set(value));

export interface SignedAttributesInput {
  /** SHA-256 of the signed content (for PDFs, of the byte ranges). */
  readonly messageDigest: Uint8Array;
  /** The signer's certificate (DER). */
  readonly certificate: Uint8Array;
  /** Included for CAdES; PAdES puts the claimed time in the signature dictionary's /M instead. */
  readonly signingTime?: Date;
}

/** The signed attributes, DER-encoded as the SET OF that the signer signs. */
export function buildSignedAttributes(input: SignedAttributesInput): Uint8Array {
  return set(
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octetString(input.messageDigest)),
    attribute(OID.signingCertificateV2, signingCertificateV2(input.certificate)),
    ...(input.signingTime ? [attribute(OID.signingTime, time(input.signingTime))] : []),
  );
}

export interface AssembleInput {
  /** The DER SET OF from `buildSignedAttributes` (exactly the bytes that were signed). */
  readonly signedAttributes: Uint8Array;
  readonly signatureValue: Uint8Array;
  /** Signer certificate first, then intermediates (the root may be left out). */
  readonly certificates: readonly Uint8Array[];
}

/**
 * A detached CMS SignedData (ContentInfo, DER) around a signature made over `signedAttributes`:
 * version 1, SHA-256, no encapsulated content, the certificates in the order given (signer first),
 * one SignerInfo identified by the signer's issuer and serial number.
 */
export function assembleSignedData(input: AssembleInput): Uint8Array {
  const [signer] = input.certificates;
  if (!signer) throw new CmsError('The signer certificate is missing');
  const { issuer, serialNumber } = certificateFields(signer);
  for (const certificate of input.certificates) readOnly(certificate, TAG.sequence, 'a certificate');
  readOnly(input.signedAttributes, TAG.set, 'a DER SET of signed attributes');
  const signerInfo = sequence(
    smallInteger(1),
    sequence(issuer, serialNumber),
    SHA256,
    // [0] IMPLICIT: the very bytes that were signed, with the SET tag replaced.
    implicit(0, input.signedAttributes),
    algorithmOf(signer) === 'RSASSA_PKCS1_V1_5_SHA_256'
      ? sequence(oid(OID.sha256WithRsa), NULL)
      : sequence(oid(OID.ecdsaWithSha256)),
    octetString(input.signatureValue),
  );
  const signedData = sequence(
    smallInteger(1),
    set(SHA256),
    sequence(oid(OID.data)),
    // certificates [0] IMPLICIT CertificateSet, in chain order.
    tlv(0xa0, ...input.certificates),
    set(signerInfo),
  );
  return sequence(oid(OID.signedData), explicit(0, signedData));
}

/** The DER length of the object at the start of `bytes` (PDF /Contents are zero-padded). */
export function derLength(bytes: Uint8Array): number {
  if (bytes.length < 2) return 0;
  const first = bytes[1]!;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || bytes.length < 2 + count) return 0;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[2 + i]!;
  return 2 + count + length;
}
