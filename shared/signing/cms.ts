/**
 * CMS SignedData (RFC 5652) for PAdES-B (ETSI EN 319 142-1) and CAdES-B detached signatures: the
 * signed attributes a signer signs (contentType, messageDigest, ESS signingCertificateV2 and, outside
 * PDFs, signingTime), assembling the SignedData around a signature value made elsewhere (a seal key,
 * a token, a SIM, a remote signing service), and checking one.
 *
 * Built on @peculiar/asn1-cms / asn1-x509 (the ASN.1 schemas under @peculiar/x509) and node:crypto,
 * rather than pkijs: the same schemas are already in the bundle for certificates, and pkijs would
 * add ~400 KB minified to every function that signs.
 */
import { createHash, X509Certificate as NodeCertificate, verify as verifySignature } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_data,
  id_signedData,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Time } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import type { SigningAlgorithm } from './capability.ts';

export const OID = {
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

const NULL_PARAMETERS = new Uint8Array([0x05, 0x00]).buffer;

export const sha256 = (...parts: readonly Uint8Array[]): Uint8Array => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((value, index) => value === b[index]);

/** DER of a certificate given as PEM or DER. */
export function certificateDer(certificate: string | Uint8Array): Uint8Array {
  return typeof certificate === 'string'
    ? new Uint8Array(new NodeCertificate(certificate).raw)
    : new Uint8Array(certificate);
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

/** DER SET OF: the elements sorted by their encodings (X.690 §11.6). */
function derSet(elements: readonly Uint8Array[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  const content = Buffer.concat(sorted);
  return wrap(0x31, content);
}

function wrap(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Uint8Array.from(header), content]);
}

function signingCertificateV2(certificate: Uint8Array): ArrayBuffer {
  const parsed = AsnConvert.parse(certificate, Certificate);
  const issuerName = AsnConvert.serialize(parsed.tbsCertificate.issuer);
  // ESSCertIDv2 { hashAlgorithm DEFAULT sha256 (omitted), certHash, issuerSerial { issuer GeneralNames, serial } }
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 4 },
            value: [asn1js.fromBER(issuerName).result],
          }),
        ],
      }),
      new asn1js.Integer({ valueHex: parsed.tbsCertificate.serialNumber }),
    ],
  });
  const essCertId = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(certificate)) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] }).toBER();
}

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
  const attributes = [
    new Attribute({
      attrType: OID.contentType,
      attrValues: [new asn1js.ObjectIdentifier({ value: id_data }).toBER()],
    }),
    new Attribute({
      attrType: OID.messageDigest,
      attrValues: [new asn1js.OctetString({ valueHex: toArrayBuffer(input.messageDigest) }).toBER()],
    }),
    new Attribute({
      attrType: OID.signingCertificateV2,
      attrValues: [signingCertificateV2(input.certificate)],
    }),
    ...(input.signingTime
      ? [
          new Attribute({
            attrType: OID.signingTime,
            attrValues: [AsnConvert.serialize(new Time(input.signingTime))],
          }),
        ]
      : []),
  ];
  return derSet(attributes.map((attribute) => new Uint8Array(AsnConvert.serialize(attribute))));
}

export interface AssembleInput {
  /** The DER SET OF from `buildSignedAttributes` (exactly the bytes that were signed). */
  readonly signedAttributes: Uint8Array;
  readonly signatureValue: Uint8Array;
  /** Signer certificate first, then intermediates (the root may be left out). */
  readonly certificates: readonly Uint8Array[];
}

/** A detached CMS SignedData (ContentInfo, DER) around a signature made over `signedAttributes`. */
export function assembleSignedData(input: AssembleInput): Uint8Array {
  const [signer] = input.certificates;
  if (!signer) throw new CmsError('The signer certificate is missing');
  const signerCertificate = AsnConvert.parse(signer, Certificate);
  const algorithm = algorithmOf(signer);
  const attributes = parseSet(input.signedAttributes).map((der) => AsnConvert.parse(der, Attribute));
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: signerCertificate.tbsCertificate.issuer,
        serialNumber: signerCertificate.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
    signedAttrs: attributes,
    signatureAlgorithm:
      algorithm === 'RSASSA_PKCS1_V1_5_SHA_256'
        ? new AlgorithmIdentifier({ algorithm: OID.sha256WithRsa, parameters: NULL_PARAMETERS })
        : new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 }),
    signature: new OctetString(toArrayBuffer(input.signatureValue)),
  });
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID.sha256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(
      input.certificates.map(
        (der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) }),
      ),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const contentInfo = new ContentInfo({
    contentType: id_signedData,
    content: AsnConvert.serialize(signedData),
  });
  const der = new Uint8Array(AsnConvert.serialize(contentInfo));
  // The [0] IMPLICIT signed attributes must be the very bytes that were signed.
  if (!equalBytes(signedAttributesOf(der), input.signedAttributes)) {
    throw new CmsError('The signed attributes changed on encoding');
  }
  return der;
}

function parseSet(der: Uint8Array): Uint8Array[] {
  const parsed = asn1js.fromBER(toArrayBuffer(der));
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Set)) throw new CmsError('Not a DER SET');
  return parsed.result.valueBlock.value.map((element) => new Uint8Array(element.valueBeforeDecodeView));
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

/** The signed attributes of the (only) signer of a SignedData, re-tagged as the SET OF that was signed. */
function signedAttributesOf(contentInfoDer: Uint8Array): Uint8Array {
  const signerInfo = rawSignerInfo(contentInfoDer);
  const attributes = signerInfo.valueBlock.value.find(
    (element) => element.idBlock.tagClass === 3 && element.idBlock.tagNumber === 0,
  );
  if (!attributes) throw new CmsError('The signer has no signed attributes');
  const bytes = new Uint8Array(attributes.valueBeforeDecodeView);
  const copy = new Uint8Array(bytes);
  copy[0] = 0x31;
  return copy;
}

function rawSignerInfo(contentInfoDer: Uint8Array): asn1js.Sequence {
  const parsed = asn1js.fromBER(toArrayBuffer(contentInfoDer));
  if (parsed.offset === -1) throw new CmsError('The signature is not DER');
  const contentInfo = parsed.result as asn1js.Sequence;
  const explicit = contentInfo.valueBlock?.value?.[1] as asn1js.Constructed | undefined;
  const signedData = explicit?.valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  const signerInfos = signedData?.valueBlock?.value?.at(-1) as asn1js.Set | undefined;
  const signerInfo = signerInfos?.valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  if (!(signerInfo instanceof asn1js.Sequence)) throw new CmsError('No SignerInfo in the signature');
  return signerInfo;
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

/** Parses a detached CMS SignedData with one signer; throws CmsError when it is not one. */
export function parseSignedData(der: Uint8Array): ParsedSignature {
  let contentInfo: ContentInfo;
  let signedData: SignedData;
  try {
    contentInfo = AsnConvert.parse(der.subarray(0, derLength(der) || der.length), ContentInfo);
    if (contentInfo.contentType !== id_signedData) throw new CmsError('Not a CMS SignedData');
    signedData = AsnConvert.parse(contentInfo.content, SignedData);
  } catch (error) {
    if (error instanceof CmsError) throw error;
    throw new CmsError('The signature is not a CMS SignedData');
  }
  if (signedData.signerInfos.length !== 1)
    throw new CmsError('Exactly one signer per signature is supported');
  const signerInfo = signedData.signerInfos[0]!;
  const certificates = (signedData.certificates ?? [])
    .filter((choice) => choice.certificate)
    .map((choice) => new Uint8Array(AsnConvert.serialize(choice.certificate!)));
  const sid = signerInfo.sid.issuerAndSerialNumber;
  const signer = certificates.find((candidate) => {
    const parsed = AsnConvert.parse(candidate, Certificate).tbsCertificate;
    return sid
      ? equalBytes(new Uint8Array(parsed.serialNumber), new Uint8Array(sid.serialNumber)) &&
          equalBytes(
            new Uint8Array(AsnConvert.serialize(parsed.issuer)),
            new Uint8Array(AsnConvert.serialize(sid.issuer)),
          )
      : false;
  });
  if (!signer) throw new CmsError("The signer's certificate is not in the signature");
  const attribute = (oid: string) => signerInfo.signedAttrs?.find((candidate) => candidate.attrType === oid);
  const digest = attribute(OID.messageDigest)?.attrValues[0];
  if (!digest) throw new CmsError('The signature has no messageDigest attribute');
  const time = attribute(OID.signingTime)?.attrValues[0];
  const essValue = attribute(OID.signingCertificateV2)?.attrValues[0];
  let signingCertificateHash: Uint8Array | undefined;
  if (essValue) {
    const ess = asn1js.fromBER(essValue).result as asn1js.Sequence;
    const certs = ess.valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    const hashElement = first.valueBlock.value.find((element) => element instanceof asn1js.OctetString);
    if (hashElement instanceof asn1js.OctetString) {
      signingCertificateHash = new Uint8Array(hashElement.valueBlock.valueHexView);
    }
  }
  return {
    certificates,
    signer,
    messageDigest: new Uint8Array(AsnConvert.parse(digest, OctetString).buffer),
    ...(time ? { signingTime: AsnConvert.parse(time, Time).getTime() } : {}),
    ...(signingCertificateHash ? { signingCertificateHash } : {}),
    hasContentType: attribute(OID.contentType) !== undefined,
    signedAttributes: signedAttributesOf(der.subarray(0, derLength(der) || der.length)),
    signatureValue: new Uint8Array(signerInfo.signature.buffer),
    signatureAlgorithm: signerInfo.signatureAlgorithm.algorithm,
    hasTimestamp: (signerInfo.unsignedAttrs ?? []).some(
      (candidate) => candidate.attrType === OID.timeStampToken,
    ),
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
