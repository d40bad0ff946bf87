/**
 * The few fields of an X.509 certificate (RFC 5280 § 4.1) the seal path reads, with the small DER
 * reader (./der.ts): the issuer Name and serialNumber (a CMS signer identifier, the ESS
 * signingCertificateV2), and the subject's attributes (the signer's name). For certificates the
 * platform holds (a seal key's chain, a registered certificate); untrusted input is parsed by
 * ./cms-verify.ts.
 */
import { children, contentOf, DerError, encoded, readTlv, TAG } from './der.ts';

export interface CertificateFields {
  /** The issuer Name, DER, as in the certificate. */
  readonly issuer: Uint8Array;
  /** The serialNumber INTEGER, DER (tag, length and content), as in the certificate. */
  readonly serialNumber: Uint8Array;
  /** The subject Name, DER, as in the certificate. */
  readonly subject: Uint8Array;
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, … }, … } */
export function certificateFields(certificate: Uint8Array): CertificateFields {
  const outer = readTlv(certificate);
  if (outer.tag !== TAG.sequence) throw new DerError('Not a certificate');
  const [tbs] = children(certificate, outer);
  if (tbs?.tag !== TAG.sequence) throw new DerError('Not a certificate');
  const fields = children(certificate, tbs);
  const [serialNumber, , issuer, , subject] = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  if (serialNumber?.tag !== TAG.integer || issuer?.tag !== TAG.sequence || subject?.tag !== TAG.sequence) {
    throw new DerError('Not a certificate');
  }
  return {
    issuer: encoded(certificate, issuer),
    serialNumber: encoded(certificate, serialNumber),
    subject: encoded(certificate, subject),
  };
}

/**
 * The serial number as hex, lowercase, as @peculiar/x509 wrote it (the format of the verification
 * report and of revocation entries): the content octets, without a leading 0x00 sign octet.
 */
export function serialNumberHex(serialNumber: Uint8Array): string {
  let content = contentOf(serialNumber, readTlv(serialNumber));
  if (content.length > 1 && content[0] === 0x00 && content[1]! > 0x7f) content = content.subarray(1);
  return Buffer.from(content).toString('hex');
}

/** Attribute types of a Name that the platform reads. */
export const ATTRIBUTE = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
} as const;

/** The dotted form of an OBJECT IDENTIFIER's content octets. */
function oidText(content: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const top = first < 80 ? Math.floor(first / 40) : 2;
  return [top, first - top * 40, ...arcs].join('.');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/**
 * An attribute value as text, the way @peculiar/x509 reads it: UTF8String (Vietnamese names are
 * UTF-8), BMPString (UTF-16BE), UniversalString (UTF-32BE), PrintableString, TeletexString and
 * IA5String byte by byte (latin1); any other type as the hex of its whole encoding.
 */
function valueText(der: Uint8Array, value: ReturnType<typeof readTlv>): string {
  const content = contentOf(der, value);
  switch (value.tag) {
    case TAG.utf8String:
      try {
        return utf8.decode(content);
      } catch {
        return latin1(content);
      }
    case TAG.bmpString:
      return Buffer.from(content.subarray(0, content.length & ~1))
        .swap16()
        .toString('utf16le');
    case TAG.universalString: {
      const points: number[] = [];
      for (let i = 0; i + 4 <= content.length; i += 4) {
        const point = new DataView(content.buffer, content.byteOffset + i, 4).getUint32(0);
        points.push(point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff) ? 0xfffd : point);
      }
      return String.fromCodePoint(...points);
    }
    case TAG.printableString:
    case TAG.teletexString:
    case TAG.ia5String:
      return latin1(content);
    default:
      return Buffer.from(encoded(der, value)).toString('hex');
  }
}

/** The values of one attribute type (dotted OID) in a Name (RDNSequence), in order. */
export function nameValues(name: Uint8Array, oid: string): string[] {
  const values: string[] = [];
  for (const rdn of children(name, readTlv(name))) {
    for (const attribute of children(name, rdn)) {
      const [attributeType, value] = children(name, attribute);
      if (attributeType?.tag !== TAG.oid || !value) throw new DerError('Bad attribute in a Name');
      if (oidText(contentOf(name, attributeType)) === oid) values.push(valueText(name, value));
    }
  }
  return values;
}
