/**
 * The CMS building and signer reading the platform used before shared/signing/der.ts, on
 * @peculiar/asn1-cms, asn1js and @peculiar/x509: kept for tests only, as the oracle the DER builder
 * (shared/signing/cms.ts) and `signerOf` (shared/signing/subject.ts) must match byte for byte, and
 * the parsers of signatures and CRLs (shared/signing/cms-verify.ts, crl.ts) must read alike.
 */
import '#shared/signing/reflect-metadata.ts';
import type { webcrypto } from 'node:crypto';
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
import { X509Certificate, X509Crl } from '@peculiar/x509';
import * as asn1js from 'asn1js';
import type { SignatureReport } from '#shared/signing/capability.ts';
import { algorithmOf, CmsError, derLength, OID, sha256 } from '#shared/signing/cms.ts';
import type { ParsedSignature } from '#shared/signing/cms-verify.ts';
import { kindOf } from '#shared/signing/subject.ts';

const NULL_PARAMETERS = new Uint8Array([0x05, 0x00]).buffer;

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

function derSet(elements: readonly Uint8Array[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return wrap(0x31, Buffer.concat(sorted));
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

export function oracleSignedAttributes(input: {
  readonly messageDigest: Uint8Array;
  readonly certificate: Uint8Array;
  readonly signingTime?: Date;
}): Uint8Array {
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

function parseSet(der: Uint8Array): Uint8Array[] {
  const parsed = asn1js.fromBER(toArrayBuffer(der));
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Set)) throw new Error('Not a DER SET');
  return parsed.result.valueBlock.value.map((element) => new Uint8Array(element.valueBeforeDecodeView));
}

export function oracleSignedData(input: {
  readonly signedAttributes: Uint8Array;
  readonly signatureValue: Uint8Array;
  readonly certificates: readonly Uint8Array[];
}): Uint8Array {
  const [signer] = input.certificates;
  if (!signer) throw new Error('The signer certificate is missing');
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
  return new Uint8Array(AsnConvert.serialize(contentInfo));
}

export function oracleSignerOf(certificate: Uint8Array | string): SignatureReport['signer'] {
  const parsed = new X509Certificate(certificate);
  const commonName = parsed.subjectName.getField('CN')[0] ?? '';
  const organization = parsed.subjectName.getField('O')[0];
  return {
    commonName,
    ...(organization ? { organization } : {}),
    serialNumber: parsed.serialNumber,
    kind: kindOf(commonName, organization),
  };
}

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

/** shared/signing/cms-verify.ts's parseSignedData before the DER reader, on @peculiar/asn1-cms and asn1js. */
export function oracleParseSignedData(der: Uint8Array): ParsedSignature {
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

/** A CRL as @peculiar/x509 read it (what shared/signing/crl.ts replaced). */
export async function oracleCrl(
  source: string | Uint8Array,
  issuerPublicKey: webcrypto.CryptoKey | undefined,
) {
  const crl = new X509Crl(source);
  return {
    issuer: crl.issuer,
    thisUpdate: crl.thisUpdate,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate } : {}),
    revoked: new Map(crl.entries.map((entry) => [entry.serialNumber, entry.revocationDate])),
    signedBy: issuerPublicKey ? await crl.verify({ publicKey: issuerPublicKey }).catch(() => false) : false,
  };
}
