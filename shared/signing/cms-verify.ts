/**
 * Parsing and checking a CMS SignedData someone else made (a signature in a PDF being verified, a
 * CMS sent to complete a signing session): untrusted input, so it goes through a full ASN.1 parser,
 * @peculiar/asn1-cms / asn1-x509 (the schemas under @peculiar/x509, which verification loads anyway)
 * and asn1js, with node:crypto for the signature value. Building signatures is ./cms.ts, which
 * bundles none of these.
 */
import { X509Certificate as NodeCertificate, verify as verifySignature } from 'node:crypto';
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, Time } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { CmsError, derLength, OID, sha256 } from './cms.ts';

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((value, index) => value === b[index]);

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
