/**
 * The fields of an X.509 certificate (RFC 5280 § 4.1) that node:crypto's X509Certificate does not
 * give as the platform needs them, read with the small DER reader (./der.ts): the issuer and subject
 * Names as DER and as text, the serialNumber (a CMS signer identifier, the ESS signingCertificateV2,
 * revocation entries), the validity as Dates and the key usage bits. Node (OpenSSL) parses and checks
 * the certificate itself (public key, issuer signature, basic constraints); the text forms are what
 * @peculiar/x509 wrote, so stored records and keys do not change (tests/unit/cms-verify.test.ts).
 */
import { children, contentOf, DerError, encoded, oidOf, readTlv, TAG, type Tlv, timeOf } from './der.ts';

export interface CertificateFields {
  /** The issuer Name, DER, as in the certificate. */
  readonly issuer: Uint8Array;
  /** The serialNumber INTEGER, DER (tag, length and content), as in the certificate. */
  readonly serialNumber: Uint8Array;
  /** The subject Name, DER, as in the certificate. */
  readonly subject: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The KeyUsage extension's bits (bit 0, digitalSignature, is 0x80 of the first byte); absent without the extension. */
  readonly keyUsage?: Uint8Array;
}

/** Key usage bits (RFC 5280 § 4.2.1.3) in the first byte of `keyUsage`. */
export const KEY_USAGE = { digitalSignature: 0x80, nonRepudiation: 0x40 } as const;

const KEY_USAGE_OID = '2.5.29.15';

/** The KeyUsage extension in the certificate's extensions ([3] EXPLICIT SEQUENCE OF Extension). */
function keyUsageOf(certificate: Uint8Array, extensions: Tlv | undefined): Uint8Array | undefined {
  if (!extensions) return undefined;
  const [list] = children(certificate, extensions);
  if (list?.tag !== TAG.sequence) throw new DerError('Bad certificate extensions');
  for (const extension of children(certificate, list)) {
    const parts = children(certificate, extension);
    if (parts[0]?.tag !== TAG.oid || oidOf(certificate, parts[0]) !== KEY_USAGE_OID) continue;
    const value = parts.at(-1);
    if (value?.tag !== TAG.octetString) throw new DerError('Bad KeyUsage extension');
    const bits = contentOf(certificate, value);
    const bitString = readTlv(bits);
    if (bitString.tag !== 0x03 || bitString.end !== bits.length || bitString.end - bitString.contentStart < 1)
      throw new DerError('Bad KeyUsage extension');
    return contentOf(bits, bitString).subarray(1);
  }
  return undefined;
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, spki, …, [3] extensions }, … } */
export function certificateFields(certificate: Uint8Array): CertificateFields {
  const outer = readTlv(certificate);
  if (outer.tag !== TAG.sequence) throw new DerError('Not a certificate');
  const [tbs] = children(certificate, outer);
  if (tbs?.tag !== TAG.sequence) throw new DerError('Not a certificate');
  const fields = children(certificate, tbs);
  const [serialNumber, , issuer, validity, subject] = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  if (
    serialNumber?.tag !== TAG.integer ||
    issuer?.tag !== TAG.sequence ||
    validity?.tag !== TAG.sequence ||
    subject?.tag !== TAG.sequence
  ) {
    throw new DerError('Not a certificate');
  }
  const [notBefore, notAfter] = children(certificate, validity);
  if (!notBefore || !notAfter) throw new DerError('Not a certificate');
  const keyUsage = keyUsageOf(
    certificate,
    fields.find((field) => field.tag === 0xa3),
  );
  return {
    issuer: encoded(certificate, issuer),
    serialNumber: encoded(certificate, serialNumber),
    subject: encoded(certificate, subject),
    notBefore: timeOf(certificate, notBefore),
    notAfter: timeOf(certificate, notAfter),
    ...(keyUsage ? { keyUsage } : {}),
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

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/**
 * An attribute value as text, the way @peculiar/x509 reads it: UTF8String (Vietnamese names are
 * UTF-8), BMPString (UTF-16BE), UniversalString (UTF-32BE), PrintableString, TeletexString and
 * IA5String byte by byte (latin1); any other type as the hex of its whole encoding.
 */
function valueText(der: Uint8Array, value: Tlv): string {
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
      if (oidOf(name, attributeType) === oid) values.push(valueText(name, value));
    }
  }
  return values;
}

/** Short names of attribute types in a Name's text form (those of @peculiar/x509). */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'T',
};

/** RFC 4514 escaping as @peculiar/x509 does it (only the first control character is hex-escaped). */
const escapeValue = (text: string): string =>
  text
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/([ ]$)/, '\\$1')
    .replace(/([\r\n\t])/, (char) => `\\${Buffer.from(char).toString('hex').toUpperCase()}`);

/** String types whose values are text; any other value is written `#<hex of its encoding>`. */
const TEXT_TAGS: ReadonlySet<number> = new Set([
  TAG.utf8String,
  TAG.bmpString,
  TAG.universalString,
  TAG.printableString,
  TAG.teletexString,
  TAG.ia5String,
]);

/** A Name (DER) as text, `CN=…, O=…` in the certificate's order, multi-valued RDNs joined by `+`. */
export function nameText(name: Uint8Array): string {
  return children(name, readTlv(name))
    .map((rdn) =>
      children(name, rdn)
        .map((attribute) => {
          const [attributeType, value] = children(name, attribute);
          if (attributeType?.tag !== TAG.oid || !value) throw new DerError('Bad attribute in a Name');
          const type = oidOf(name, attributeType);
          const text = TEXT_TAGS.has(value.tag)
            ? escapeValue(valueText(name, value))
            : `#${valueText(name, value)}`;
          return `${SHORT_NAMES[type] ?? type}=${text}`;
        })
        .join('+'),
    )
    .join(', ');
}

/** A certificate (DER) as PEM, the way @peculiar/x509 wrote it: 64 characters a line, `\n`, no final newline. */
export function certificatePem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = ['-----BEGIN CERTIFICATE-----'];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  lines.push('-----END CERTIFICATE-----');
  return lines.join('\n');
}
