/**
 * The PDF object model (ISO 32000-1 §7.3) that ./reader.ts reads into and that the PAdES
 * incremental update (shared/signing/pades.ts) writes back, with its serialisation. Kept as small as
 * the update needs: arrays are plain arrays, names and dictionary keys plain (decoded) strings, and a
 * stream keeps its bytes as they are in the file (encoded; nothing here decodes or re-encodes them).
 *
 * Serialisation is lossless for what the reader gives: strings keep their bytes (control bytes and
 * anything outside printable ASCII escaped in octal, so no end-of-line can be normalised away),
 * names are escaped with #xx, numbers never use exponent notation, and a stream's /Length is set to
 * its bytes. tests/unit/pdf-reader.test.ts round-trips generated objects through both directions.
 */

import { latin1 } from './syntax.ts';

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfString {
  /** `hex` only says how the string was written (it is written back the same way). */
  constructor(
    readonly bytes: Uint8Array,
    readonly hex = false,
  ) {}

  /** A text string (§7.9.2.2): UTF-16BE or UTF-8 with a byte order mark, else single bytes. */
  text(): string {
    const [a, b, c] = this.bytes;
    const buffer = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    if (a === 0xfe && b === 0xff) {
      // UTF-16BE: swapped on a copy (Buffer#swap16 works in place), an odd last byte dropped.
      return Buffer.from(buffer.subarray(2, buffer.length - (buffer.length % 2)))
        .swap16()
        .toString('utf16le');
    }
    if (a === 0xef && b === 0xbb && c === 0xbf) return buffer.subarray(3).toString('utf8');
    return buffer.toString('latin1');
  }

  /** A text string: printable ASCII as it is, anything else UTF-16BE with a byte order mark. */
  static of(text: string): PdfString {
    if (/^[ -~]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'));
    return new PdfString(
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
      true,
    );
  }
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}

  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

export class PdfDict {
  readonly entries = new Map<string, PdfObject>();

  get(key: string): PdfObject | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: PdfObject): this {
    this.entries.set(key, value);
    return this;
  }

  static of(entries: Record<string, PdfObject>): PdfDict {
    const dict = new PdfDict();
    for (const [key, value] of Object.entries(entries)) dict.set(key, value);
    return dict;
  }
}

export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** The bytes between `stream` and `endstream`, still encoded. */
    readonly data: Uint8Array,
  ) {}
}

export type PdfObject =
  | null
  | boolean
  | number
  | PdfName
  | PdfString
  | PdfRef
  | PdfDict
  | PdfStream
  | PdfObject[];

/** Whether `object` is the name `name` (`/Type /Page`). */
export const isName = (object: unknown, name: string): boolean =>
  object instanceof PdfName && object.name === name;

/** Characters a name (latin1) writes as #xx: outside printable ASCII, the delimiters, and # itself. */
const NAME_ESCAPED = /[^!-~]|[#()<>[\]{}/%]/g;

/** A number without exponent notation (PDF has none); reals keep their digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Not a PDF number: ${value}`);
  if (Number.isInteger(value)) return BigInt(value).toString();
  const plain = String(value);
  if (!plain.includes('e')) return plain;
  // Below 1e-6: fixed notation with enough digits, trailing zeros dropped.
  return value.toFixed(20).replace(/\.?0+$/, '');
}

function formatString(string: PdfString): string {
  if (string.hex) return `<${Buffer.from(string.bytes).toString('hex')}>`;
  return `(${latin1(string.bytes).replace(/[\\()]|[^ -~]/g, (c) =>
    c === '\\' || c === '(' || c === ')' ? `\\${c}` : `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`,
  )})`;
}

/** The object as PDF syntax, one latin1 character a byte. */
export function serialize(object: PdfObject): string {
  if (object === null) return 'null';
  if (typeof object === 'boolean') return String(object);
  if (typeof object === 'number') return formatNumber(object);
  if (object instanceof PdfName) {
    return `/${object.name.replace(NAME_ESCAPED, (c) => `#${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`)}`;
  }
  if (object instanceof PdfString) return formatString(object);
  if (object instanceof PdfRef) return object.toString();
  if (Array.isArray(object)) return `[${object.map(serialize).join(' ')}]`;
  if (object instanceof PdfStream) {
    const dict = new PdfDict();
    for (const [key, value] of object.dict.entries) dict.set(key, value);
    dict.set('Length', object.data.length);
    return `${serialize(dict)}\nstream\n${latin1(object.data)}\nendstream`;
  }
  const entries = [...object.entries].map(
    ([key, value]) => `${serialize(new PdfName(key))} ${serialize(value)}`,
  );
  return `<<${entries.join(' ')}>>`;
}

/** `n g obj … endobj`, as bytes. */
export function serializeIndirect(ref: PdfRef, object: PdfObject): Uint8Array {
  return Buffer.from(`${ref.num} ${ref.gen} obj\n${serialize(object)}\nendobj\n`, 'latin1');
}
