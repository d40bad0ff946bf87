/**
 * Parsing and checking a CMS SignedData someone else made (a signature in a PDF being verified, a
 * CMS sent to complete a signing session). Untrusted input: the structure around the certificates
 * (RFC 5652 ContentInfo, SignedData, SignerInfo, attributes) is read with the bounds-checked reader
 * of ./der.ts, BER indefinite lengths allowed as RFC 5652 allows them outside the signed attributes;
 * the certificates are parsed by node:crypto (OpenSSL), which also checks the signature value.
 * Anything that is not a SignedData with one signer is a CmsError. Building signatures is ./cms.ts.
 *
 * What @peculiar/asn1-cms read before is what this reads (tests/unit/cms-verify.test.ts compares
 * both on generated and mutated signatures; the old parser is kept there as the test's oracle).
 */
import { X509Certificate as NodeCertificate, verify as verifySignature } from 'node:crypto';
import { CmsError, OID, sha256 } from './cms.ts';
import {
  children,
  contentOf,
  DerError,
  encoded,
  oidOf,
  readBer,
  readTlv,
  TAG,
  type Tlv,
  timeOf,
} from './der.ts';
import { certificateFields } from './x509.ts';

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((value, index) => value === b[index]);

/** The content of an OCTET STRING, primitive or (BER) constructed from primitive segments. */
function octets(der: Uint8Array, element: Tlv): Uint8Array {
  if (element.tag === TAG.octetString) return contentOf(der, element);
  if (element.tag !== (TAG.octetString | 0x20)) throw new CmsError('Expected an OCTET STRING');
  return Buffer.concat(children(der, element).map((segment) => octets(der, segment)));
}

interface Attribute {
  readonly type: string;
  /** The first value of the attribute's SET OF values. */
  readonly value: Tlv | undefined;
}

function attributesOf(der: Uint8Array, set: Tlv | undefined): Attribute[] {
  if (!set) return [];
  return children(der, set).map((attribute) => {
    const [type, values] = attribute.tag === TAG.sequence ? children(der, attribute) : [];
    if (!type || values?.tag !== TAG.set) throw new CmsError('Bad attribute in the signature');
    return { type: oidOf(der, type), value: children(der, values)[0] };
  });
}

/** The certHash of the first ESSCertIDv2 of a SigningCertificateV2 (RFC 5035). */
function essCertHash(der: Uint8Array, value: Tlv): Uint8Array | undefined {
  const [certs] = value.tag === TAG.sequence ? children(der, value) : [];
  const [first] = certs?.tag === TAG.sequence ? children(der, certs) : [];
  if (first?.tag !== TAG.sequence) throw new CmsError('Bad signingCertificateV2 attribute');
  const hash = children(der, first).find((element) => element.tag === TAG.octetString);
  return hash ? new Uint8Array(contentOf(der, hash)) : undefined;
}

export interface ParsedSignature {
  /** Certificates carried in the SignedData (DER). */
  readonly certificates: readonly Uint8Array[];
  /** The signer's certificate, found by the signer identifier. */
  readonly signer: Uint8Array;
  readonly messageDigest: Uint8Array;
  readonly signingTime?: Date;
  /** ESS signingCertificateV2 certHash, when present. */
  readonly signingCertificateHash?: Uint8Array;
  readonly hasContentType: boolean;
  readonly signedAttributes: Uint8Array;
  readonly signatureValue: Uint8Array;
  readonly signatureAlgorithm: string;
  /** An RFC 3161 timestamp token in the unsigned attributes (PAdES-T), when present. */
  readonly hasTimestamp: boolean;
}

/**
 * Parses a detached CMS SignedData with one signer; throws CmsError when it is not one. `der` may
 * be followed by padding (a PDF /Contents): the first element is read.
 */
export function parseSignedData(der: Uint8Array): ParsedSignature {
  try {
    return parse(der);
  } catch (error) {
    if (error instanceof DerError) throw new CmsError('The signature is not a CMS SignedData');
    throw error;
  }
}

function parse(der: Uint8Array): ParsedSignature {
  const shape = (ok: boolean) => {
    if (!ok) throw new CmsError('The signature is not a CMS SignedData');
  };
  // ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT content }
  const contentInfo = readBer(der);
  shape(contentInfo.tag === TAG.sequence);
  const [contentType, explicit] = children(der, contentInfo);
  shape(contentType?.tag === TAG.oid && explicit?.tag === 0xa0);
  if (oidOf(der, contentType!) !== OID.signedData) throw new CmsError('Not a CMS SignedData');
  // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo, [0] certificates, [1] crls, signerInfos SET }
  const [signedData] = children(der, explicit!);
  shape(signedData?.tag === TAG.sequence);
  const fields = children(der, signedData!);
  shape(fields.length >= 4 && fields[0]!.tag === TAG.integer && fields[1]!.tag === TAG.set);
  shape(fields[2]!.tag === TAG.sequence);
  const signerInfos = fields.at(-1)!;
  shape(signerInfos.tag === TAG.set);
  const optional = fields.slice(3, -1);
  shape(optional.every((field) => field.tag === 0xa0 || field.tag === 0xa1));
  const certificateSet = optional.find((field) => field.tag === 0xa0);
  const certificates = certificateSet
    ? children(der, certificateSet)
        .filter((choice) => choice.tag === TAG.sequence)
        .map((choice) => new Uint8Array(encoded(der, choice)))
    : [];
  const signers = children(der, signerInfos);
  if (signers.length !== 1) throw new CmsError('Exactly one signer per signature is supported');
  // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1] unsignedAttrs }
  const signerInfo = signers[0]!;
  shape(signerInfo.tag === TAG.sequence);
  const parts = children(der, signerInfo);
  shape(parts.length >= 5 && parts[0]!.tag === TAG.integer && parts[2]!.tag === TAG.sequence);
  const sid = parts[1]!;
  const signedAttrs = parts[3]!.tag === 0xa0 ? parts[3] : undefined;
  const [signatureAlgorithm, signature, unsigned, ...rest] = parts.slice(signedAttrs ? 4 : 3);
  shape(signatureAlgorithm?.tag === TAG.sequence && signature !== undefined && rest.length === 0);
  shape(unsigned === undefined || unsigned.tag === 0xa1);
  const [algorithm] = children(der, signatureAlgorithm!);
  shape(algorithm?.tag === TAG.oid);

  // The signer's certificate: issuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber }
  let signer: Uint8Array | undefined;
  if (sid.tag === TAG.sequence) {
    const [issuer, serial] = children(der, sid);
    shape(issuer?.tag === TAG.sequence && serial?.tag === TAG.integer);
    signer = certificates.find((candidate) => {
      let fieldsOf: ReturnType<typeof certificateFields>;
      try {
        fieldsOf = certificateFields(candidate);
      } catch {
        return false;
      }
      return (
        equalBytes(
          contentOf(fieldsOf.serialNumber, readTlv(fieldsOf.serialNumber)),
          contentOf(der, serial!),
        ) && equalBytes(fieldsOf.issuer, encoded(der, issuer!))
      );
    });
  }
  if (!signer) throw new CmsError("The signer's certificate is not in the signature");

  const attributes = attributesOf(der, signedAttrs);
  const attribute = (oid: string) => attributes.find((candidate) => candidate.type === oid);
  const digest = attribute(OID.messageDigest)?.value;
  if (!digest) throw new CmsError('The signature has no messageDigest attribute');
  const time = attribute(OID.signingTime)?.value;
  const ess = attribute(OID.signingCertificateV2)?.value;
  const signingCertificateHash = ess ? essCertHash(der, ess) : undefined;
  // The signed attributes are signed as the DER SET OF they are carried as ([0] IMPLICIT).
  const signedAttributes = new Uint8Array(encoded(der, signedAttrs!));
  signedAttributes[0] = 0x31;
  return {
    certificates,
    signer,
    messageDigest: new Uint8Array(octets(der, digest)),
    ...(time ? { signingTime: timeOf(der, time) } : {}),
    ...(signingCertificateHash ? { signingCertificateHash } : {}),
    hasContentType: attribute(OID.contentType) !== undefined,
    signedAttributes,
    signatureValue: new Uint8Array(octets(der, signature!)),
    signatureAlgorithm: oidOf(der, algorithm!),
    hasTimestamp: attributesOf(der, unsigned).some((candidate) => candidate.type === OID.timeStampToken),
  };
}

/** Whether `signatureValue` over `data` was made with the key of `certificate` (SHA-256, RSA PKCS#1 v1.5 or ECDSA DER). */
export function signatureMatches(
  certificate: Uint8Array,
  data: Uint8Array,
  signatureValue: Uint8Array,
): boolean {
  try {
    const key = new NodeCertificate(certificate).publicKey;
    return verifySignature('sha256', data, { key, dsaEncoding: 'der' }, signatureValue);
  } catch {
    return false;
  }
}

/** The cryptographic checks of a signature over `content` (the digest, the ESS binding and the signature value). */
export function checkIntegrity(parsed: ParsedSignature, content: Uint8Array): boolean {
  if (!parsed.hasContentType) return false;
  if (!equalBytes(parsed.messageDigest, sha256(content))) return false;
  if (parsed.signingCertificateHash && !equalBytes(parsed.signingCertificateHash, sha256(parsed.signer)))
    return false;
  return signatureMatches(parsed.signer, parsed.signedAttributes, parsed.signatureValue);
}
