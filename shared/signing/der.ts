/**
 * A small DER (X.690) encoder and reader: what signing needs to build CMS signed attributes and
 * SignedData (./cms.ts), and verification to read signatures, CRLs and certificate fields
 * (./cms-verify.ts, ./crl.ts, ./x509.ts), in a few KB of bundle instead of an ASN.1 library
 * (asn1js and @peculiar/*: ~280 KB minified).
 *
 * The reader checks that every element fits in its parent and throws DerError on anything else, so
 * it can read untrusted input (./cms-verify.ts, ./crl.ts): low tag numbers only, definite lengths
 * (DER) by default; `readBer` also takes the indefinite lengths BER allows (CMS made by BouncyCastle
 * and other BER encoders), nested at most 32 deep. Certificates themselves are parsed by node:crypto
 * (OpenSSL); this reads the structures around them and the few certificate fields Node does not give.
 */

export class DerError extends Error {
  override name = 'DerError';
}

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  teletexString: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  universalString: 0x1c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

/** One element: the tag, the length (short form below 128, else long form) and the content. */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concat(content);
  const length: number[] = [];
  for (let rest = body.length; rest > 0; rest = Math.floor(rest / 256)) length.unshift(rest % 256);
  const header = body.length < 0x80 ? [tag, body.length] : [tag, 0x80 | length.length, ...length];
  return concat([Uint8Array.from(header), body]);
}

export const sequence = (...elements: readonly Uint8Array[]): Uint8Array => tlv(TAG.sequence, ...elements);

/** SET OF in DER: the elements in ascending order of their encodings (X.690 § 11.6). */
export function set(...elements: readonly Uint8Array[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return tlv(TAG.set, ...sorted);
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) {
    throw new DerError(`Not an object identifier: ${dotted}`);
  }
  const bytes: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const base128 = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) {
      base128.unshift(0x80 | (rest % 128));
    }
    bytes.push(...base128);
  }
  return tlv(TAG.oid, Uint8Array.from(bytes));
}

/** An INTEGER whose content octets are given (two's complement, e.g. a certificate's serial number). */
export const integer = (content: Uint8Array): Uint8Array => tlv(TAG.integer, content);

/** A small non-negative INTEGER (a version number). */
export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0x7f)
    throw new DerError(`Not a small integer: ${value}`);
  return integer(Uint8Array.of(value));
}

export const octetString = (content: Uint8Array): Uint8Array => tlv(TAG.octetString, content);

export const NULL = Uint8Array.of(TAG.null, 0x00);

/**
 * A Time as RFC 5652 § 11.3 (and RFC 5280 § 4.1.2.5) encode it: UTCTime (YYMMDDHHMMSSZ) from 1950
 * through 2049, GeneralizedTime (YYYYMMDDHHMMSSZ) otherwise; whole seconds, UTC.
 */
export function time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new DerError('Not a time DER can encode');
  const two = (value: number) => String(value).padStart(2, '0');
  const rest = [
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ]
    .map(two)
    .join('');
  const utc = year >= 1950 && year < 2050;
  const text = `${utc ? two(year % 100) : String(year).padStart(4, '0')}${rest}Z`;
  return tlv(utc ? TAG.utcTime : TAG.generalizedTime, new TextEncoder().encode(text));
}

/** `[n] EXPLICIT`: a constructed context-specific element around the given elements. */
export const explicit = (n: number, ...elements: readonly Uint8Array[]): Uint8Array =>
  tlv(0xa0 | n, ...elements);

/** `[n] IMPLICIT`: the element with its tag replaced by context-specific n (constructed kept). */
export function implicit(n: number, element: Uint8Array): Uint8Array {
  const copy = new Uint8Array(element);
  copy[0] = 0x80 | (element[0]! & 0x20) | n;
  return copy;
}

/** Where one element is in a buffer. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the tag. */
  readonly start: number;
  /** Offset of the content (after the tag and length octets). */
  readonly contentStart: number;
  /** Offset just after the element (after the end-of-contents octets of an indefinite length). */
  readonly end: number;
  /** An indefinite length (BER): the content ends here, before the end-of-contents octets. */
  readonly contentEnd?: number;
  /** Read by readBer: its children may have indefinite lengths too. */
  readonly ber?: true;
}

const MAX_DEPTH = 32;

function read(der: Uint8Array, offset: number, limit: number, ber: boolean, depth: number): Tlv {
  if (offset + 2 > limit) throw new DerError('Truncated DER element');
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('High tag numbers are not supported');
  const first = der[offset + 1]!;
  let contentStart = offset + 2;
  if (first === 0x80) {
    if (!ber) throw new DerError('Indefinite lengths are not DER');
    if (!(tag & 0x20)) throw new DerError('An indefinite length on a primitive element');
    if (depth >= MAX_DEPTH) throw new DerError('BER nested too deep');
    let at = contentStart;
    for (;;) {
      if (at + 2 > limit) throw new DerError('BER element without end-of-contents');
      if (der[at] === 0 && der[at + 1] === 0) break;
      at = read(der, at, limit, true, depth + 1).end;
    }
    return { tag, start: offset, contentStart, contentEnd: at, end: at + 2, ber: true };
  }
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count > 4 || contentStart + count > limit) throw new DerError('Bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError('DER element longer than its container');
  return ber
    ? { tag, start: offset, contentStart, end, ber: true }
    : { tag, start: offset, contentStart, end };
}

/** The element starting at `offset`, which must end at or before `limit` (DER: definite lengths). */
export const readTlv = (der: Uint8Array, offset = 0, limit = der.length): Tlv =>
  read(der, offset, limit, false, 0);

/** The element starting at `offset`, indefinite lengths (BER) allowed in it and below. */
export const readBer = (der: Uint8Array, offset = 0, limit = der.length): Tlv =>
  read(der, offset, limit, true, 0);

/** Where the content of an element ends. */
const contentEndOf = (element: Tlv): number => element.contentEnd ?? element.end;

/** The elements inside a constructed element, in order. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const elements: Tlv[] = [];
  const limit = contentEndOf(parent);
  for (let at = parent.contentStart; at < limit; ) {
    const element = read(der, at, limit, parent.ber === true, 0);
    elements.push(element);
    at = element.end;
  }
  return elements;
}

/** The whole element (tag, length and content). */
export const encoded = (der: Uint8Array, element: Tlv): Uint8Array =>
  der.subarray(element.start, element.end);

/** The content octets. */
export const contentOf = (der: Uint8Array, element: Tlv): Uint8Array =>
  der.subarray(element.contentStart, contentEndOf(element));

/** The dotted form of an OBJECT IDENTIFIER element. */
export function oidOf(der: Uint8Array, element: Tlv): string {
  if (element.tag !== TAG.oid) throw new DerError('Not an object identifier');
  const content = contentOf(der, element);
  if (content.length === 0 || content.at(-1)! & 0x80) throw new DerError('Bad object identifier');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('Object identifier arc too large');
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift()!;
  const top = first < 80 ? Math.floor(first / 40) : 2;
  return [top, first - top * 40, ...arcs].join('.');
}

/**
 * A UTCTime or GeneralizedTime element as a Date: UTCTime years 50–99 are 19xx (RFC 5280); seconds,
 * fractions and a `±hhmm` offset are optional, as BER allows; anything else is a DerError.
 */
export function timeOf(der: Uint8Array, element: Tlv): Date {
  const text = Buffer.from(contentOf(der, element)).toString('latin1');
  const utc = element.tag === TAG.utcTime;
  if (!utc && element.tag !== TAG.generalizedTime) throw new DerError('Not a time');
  const match = (
    utc
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(Z|[+-]\d{4})$/
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d{1,9}))?(Z|[+-]\d{4})?$/
  ).exec(text);
  if (!match) throw new DerError(`Not a time: ${JSON.stringify(text.slice(0, 40))}`);
  const [, y, mo, d, h, mi = '00', sec = '00', fraction = '', zone = 'Z'] = match;
  let year = Number(y);
  if (utc) year += year < 50 ? 2000 : 1900;
  const offset =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3)));
  const date = new Date(0);
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(sec), Math.floor(Number(`0.${fraction || '0'}`) * 1000));
  date.setTime(date.getTime() - offset * 60_000);
  const fields = [Number(mo), Number(d), Number(h), Number(mi), Number(sec)];
  const highest = [12, 31, 23, 59, 60];
  if (fields.some((value, i) => value > highest[i]! || (i < 2 && value < 1)) || Number.isNaN(date.getTime()))
    throw new DerError('Not a time');
  return date;
}

/** The single element filling `der` exactly, with the expected tag. */
export function readOnly(der: Uint8Array, tag: number, what: string): Tlv {
  const element = readTlv(der);
  if (element.tag !== tag || element.end !== der.length) throw new DerError(`Not ${what}`);
  return element;
}
