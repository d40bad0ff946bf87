/**
 * The CMS building and signer reading the platform used before shared/signing/der.ts, on
 * @peculiar/asn1-cms, asn1js and @peculiar/x509: kept for tests only, as the oracle the DER builder
 * (shared/signing/cms.ts) and `signerOf` (shared/signing/subject.ts) must match byte for byte.
 */
import '#shared/signing/reflect-metadata.ts';
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
import { X509Certificate } from '@peculiar/x509';
import * as asn1js from 'asn1js';
import type { SignatureReport } from '#shared/signing/capability.ts';
import { algorithmOf, OID, sha256 } from '#shared/signing/cms.ts';
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
