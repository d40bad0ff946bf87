/**
 * A strict, bounded PDF reader (ISO 32000-1 §7.3–7.5) for the PAdES incremental update
 * (shared/signing/pades.ts), which needs the trailer, the catalog, the page tree and the AcroForm of
 * any PDF a user uploads. It replaced pdf-lib's core (135 KB minified in each function that signed;
 * issue 10), and tests/unit/pdf-reader.test.ts compares the two on a corpus of PDFs.
 *
 * It reads as viewers do: from `startxref` through each cross-reference section (classic tables,
 * cross-reference streams, hybrid files' /XRefStm) along /Prev, the newest revision winning, and
 * loads an object only when asked (objects in object streams included). A file whose
 * cross-reference is missing or broken is read by scanning it for `n g obj`, the last definition
 * winning, as pdf.js and poppler do.
 *
 * The input is untrusted: nesting, the /Prev chain, the number of entries and the bytes inflated
 * are bounded (LIMITS), reference cycles are refused, and every failure is a PdfReadError.
 */
import { constants, inflateSync } from 'node:zlib';
import { isName, PdfDict, PdfName, type PdfObject, PdfRef, PdfStream, PdfString } from './objects.ts';
import { latin1 } from './syntax.ts';

export class PdfReadError extends Error {
  override name = 'PdfReadError';
}

export interface PdfLimits {
  /** Arrays and dictionaries inside one another. */
  readonly depth: number;
  /** Cross-reference sections along /Prev (a file signed n times has about n + 1). */
  readonly sections: number;
  /** Cross-reference entries in all sections together. */
  readonly entries: number;
  /** Bytes inflated from streams (cross-reference and object streams), in all. */
  readonly inflated: number;
}

export const LIMITS: PdfLimits = { depth: 100, sections: 1000, entries: 2_000_000, inflated: 32 << 20 };

type Entry =
  | { readonly type: 0 }
  | { readonly type: 1; readonly offset: number; readonly gen: number }
  | { readonly type: 2; readonly stream: number; readonly index: number };

export interface PdfFile {
  /** The trailer: the newest section's, with what it lacks from older ones. */
  readonly trailer: PdfDict;
  /** The first object number no section uses (at least the trailer's /Size). */
  readonly size: number;
  /** Whether the file had to be scanned for objects (its cross-reference missing, broken or wrong). */
  readonly rebuilt: boolean;
  /** The object a reference points to (null for a free or missing one); any other object as it is. */
  lookup(object: PdfObject | undefined): PdfObject | undefined;
  /** Every object number in use. */
  objectNumbers(): number[];
}

const fail = (message: string): never => {
  throw new PdfReadError(message);
};

const isWhite = (c: number) => c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 0;
const DELIMITERS = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));
const isRegular = (c: number) => !Number.isNaN(c) && !isWhite(c) && !DELIMITERS.has(c);
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)/y;
const INTEGER = /\d+/y;
/**
 * The largest number a file may write: single precision, the range ISO 32000-1 Annex C gives
 * readers, so that no sum or difference of two numbers (a MediaBox width) overflows to Infinity.
 */
const MAX_NUMBER = 3.403e38;
const KEYWORD = /[A-Za-z]+/y;
const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };

/** Tokens and objects of PDF syntax over one latin1 string (one character a byte). */
class Lexer {
  constructor(
    readonly text: string,
    public pos: number,
    private readonly limits: PdfLimits,
  ) {}

  private code(at = this.pos): number {
    return this.text.charCodeAt(at);
  }

  /** Skips whitespace and comments. */
  skip(): void {
    for (;;) {
      const c = this.code();
      if (isWhite(c)) this.pos++;
      else if (c === 37) {
        while (this.pos < this.text.length && this.code() !== 10 && this.code() !== 13) this.pos++;
      } else return;
    }
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text)?.[0];
    if (found !== undefined) this.pos += found.length;
    return found;
  }

  /** The keyword here (after whitespace), consumed; undefined if there is none. */
  keyword(): string | undefined {
    this.skip();
    const start = this.pos;
    const word = this.match(KEYWORD);
    if (word !== undefined && isRegular(this.code())) {
      this.pos = start;
      return undefined;
    }
    return word;
  }

  integer(): number | undefined {
    this.skip();
    const digits = this.match(INTEGER);
    return digits === undefined ? undefined : Number(digits);
  }

  object(depth = 0): PdfObject {
    if (depth > this.limits.depth) fail('Objects nested too deeply');
    this.skip();
    const c = this.text[this.pos];
    if (c === undefined) return fail('Unexpected end of data');
    if (c === '/') return this.name();
    if (c === '(') return this.literal();
    if (c === '[') {
      this.pos++;
      const array: PdfObject[] = [];
      for (this.skip(); this.text[this.pos] !== ']'; this.skip()) array.push(this.object(depth + 1));
      this.pos++;
      return array;
    }
    if (c === '<' && this.text[this.pos + 1] === '<') {
      this.pos += 2;
      const dict = new PdfDict();
      for (this.skip(); !this.text.startsWith('>>', this.pos); this.skip()) {
        const key = this.object(depth + 1);
        if (!(key instanceof PdfName)) return fail('A dictionary key is not a name');
        dict.set(key.name, this.object(depth + 1));
      }
      this.pos += 2;
      return dict;
    }
    if (c === '<') return this.hex();
    const number = this.match(NUMBER);
    if (number !== undefined) return this.numberOrRef(number);
    const word = this.keyword();
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    return fail(`Unexpected ${word ? `keyword ${word}` : `byte ${this.code()}`} at ${this.pos}`);
  }

  private numberOrRef(number: string): PdfObject {
    const value = Number(number);
    if (!(Math.abs(value) <= MAX_NUMBER)) fail(`Number out of range at ${this.pos}`);
    if (!/^\d+$/.test(number)) return value;
    const after = this.pos;
    const gen = this.integer();
    if (gen !== undefined && this.keyword() === 'R') {
      if (!Number.isSafeInteger(value) || !Number.isSafeInteger(gen))
        fail(`Reference out of range at ${this.pos}`);
      return new PdfRef(value, gen);
    }
    this.pos = after;
    return value;
  }

  private name(): PdfName {
    const start = ++this.pos;
    while (isRegular(this.code())) this.pos++;
    const raw = this.text.slice(start, this.pos);
    return new PdfName(
      raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    );
  }

  private hex(): PdfString {
    const end = this.text.indexOf('>', this.pos);
    if (end < 0) fail('Unterminated hex string');
    const digits = this.text.slice(this.pos + 1, end).replace(/[\0\t\n\f\r ]/g, '');
    if (!/^[0-9A-Fa-f]*$/.test(digits)) fail('Not a hex string');
    this.pos = end + 1;
    return new PdfString(Buffer.from(digits.length % 2 ? `${digits}0` : digits, 'hex'), true);
  }

  private literal(): PdfString {
    const bytes: number[] = [];
    let nesting = 1;
    for (let i = this.pos + 1; i < this.text.length; i++) {
      let c = this.code(i);
      if (c === 92) {
        const next = this.text[++i];
        if (next === undefined) break;
        if (next in ESCAPES) c = ESCAPES[next]!;
        else if (next >= '0' && next <= '7') {
          const octal = /[0-7]{1,3}/y;
          octal.lastIndex = i;
          const digits = octal.exec(this.text)![0];
          i += digits.length - 1;
          c = Number.parseInt(digits, 8) & 0xff;
        } else if (next === '\r' || next === '\n') {
          // A line continuation.
          if (next === '\r' && this.text[i + 1] === '\n') i++;
          continue;
        } else c = next.charCodeAt(0);
      } else if (c === 13) {
        // An end of line in a string is read as LF (§7.3.4.2).
        if (this.code(i + 1) === 10) i++;
        c = 10;
      } else if (c === 40) nesting++;
      else if (c === 41 && --nesting === 0) {
        this.pos = i + 1;
        return new PdfString(Uint8Array.from(bytes));
      }
      bytes.push(c);
    }
    return fail('Unterminated string');
  }
}

/** `n g obj` at the lexer, consumed: the numbers. */
function objectHeader(lexer: Lexer): [number, number] | undefined {
  const num = lexer.integer();
  const gen = lexer.integer();
  return num !== undefined && gen !== undefined && lexer.keyword() === 'obj' ? [num, gen] : undefined;
}

const asInteger = (value: PdfObject | undefined): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

/** PNG predictors (§7.4.4.4, predictors 10–15): each row has its own filter byte. */
function unpredict(data: Uint8Array, columns: number): Uint8Array {
  const row = columns + 1;
  const rows = Math.floor(data.length / row);
  const out = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const filter = data[r * row]!;
    for (let i = 0; i < columns; i++) {
      const raw = data[r * row + 1 + i]!;
      const left = i > 0 ? out[r * columns + i - 1]! : 0;
      const up = r > 0 ? out[(r - 1) * columns + i]! : 0;
      const upLeft = r > 0 && i > 0 ? out[(r - 1) * columns + i - 1]! : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (filter !== 0) fail(`Unknown PNG predictor ${filter}`);
      out[r * columns + i] = (raw + predicted) & 0xff;
    }
  }
  return out;
}

function readingSafely<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PdfReadError) throw error;
    // A stack or memory limit met on hostile input is still the file's fault.
    throw new PdfReadError(`The file cannot be read (${error instanceof Error ? error.message : 'unknown'})`);
  }
}

class Reader implements PdfFile {
  readonly text: string;
  trailer = new PdfDict();
  size = 0;
  rebuilt = false;
  private readonly entries = new Map<number, Entry>();
  private readonly cache = new Map<number, PdfObject>();
  private readonly loading = new Set<number>();
  private readonly objectStreams = new Map<number, { text: string; offsets: [number, number][] }>();
  private scanned: Map<number, Entry> | undefined;
  private byOffset: [number, number][] | undefined;
  private inflated = 0;
  /** Whether the cross-reference is complete: only then are looked-up objects cached. */
  private ready = false;

  constructor(
    readonly bytes: Uint8Array,
    readonly limits: PdfLimits,
  ) {
    this.text = latin1(bytes);
    if (!this.text.slice(0, 1024).includes('%PDF-')) fail('No %PDF- header');
    try {
      this.readSections();
    } catch (error) {
      if (!(error instanceof PdfReadError)) throw error;
      this.entries.clear();
      this.trailer = new PdfDict();
    }
    if (!(this.trailer.get('Root') instanceof PdfRef) || this.entries.size === 0) this.readByScanning();
    this.ready = true;
    for (const num of this.entries.keys()) this.size = Math.max(this.size, num + 1);
    this.size = Math.max(this.size, asInteger(this.trailer.get('Size')) ?? 0);
  }

  private lexer(at: number, text = this.text): Lexer {
    return new Lexer(text, at, this.limits);
  }

  // --- The cross-reference, from startxref along /Prev ---------------------------------------

  private readSections(): void {
    const at = this.text.lastIndexOf('startxref');
    const start = at < 0 ? undefined : this.lexer(at + 9).integer();
    if (start === undefined) fail('No startxref');
    const seen = new Set<number>();
    for (let offset: number | undefined = start; offset !== undefined; ) {
      if (seen.has(offset)) fail('The /Prev chain loops');
      if (seen.size >= this.limits.sections) fail('Too many cross-reference sections');
      seen.add(offset);
      const trailer = this.readSection(offset, seen);
      for (const [key, value] of trailer.entries)
        if (!this.trailer.entries.has(key)) this.trailer.set(key, value);
      offset = asInteger(trailer.get('Prev'));
    }
  }

  /** One section's entries (those no newer section has) and its trailer. */
  private readSection(offset: number, seen: Set<number>): PdfDict {
    const lexer = this.lexer(offset);
    if (lexer.keyword() !== 'xref') return this.readXrefStream(offset);
    const section = new Map<number, Entry>();
    const entry = /\s*(\d{1,10})\s+(\d{1,5})\s+([nf])/y;
    for (;;) {
      const first = lexer.integer();
      if (first === undefined) break;
      const count = lexer.integer() ?? fail('A cross-reference subsection has no count');
      if (section.size + count > this.limits.entries) fail('Too many cross-reference entries');
      if (!Number.isSafeInteger(first + count)) fail('Object numbers out of range');
      for (let i = 0; i < count; i++) {
        entry.lastIndex = lexer.pos;
        const [all, at, gen, kind] = entry.exec(lexer.text) ?? fail('A broken cross-reference entry');
        lexer.pos += all.length;
        section.set(
          first + i,
          kind === 'n' ? { type: 1, offset: Number(at), gen: Number(gen) } : { type: 0 },
        );
      }
    }
    if (lexer.keyword() !== 'trailer') fail('No trailer after the cross-reference table');
    const trailer = lexer.object();
    if (!(trailer instanceof PdfDict)) return fail('The trailer is not a dictionary');
    // A hybrid file (§7.5.8.4): objects the table leaves free or out are in its /XRefStm.
    const hybrid = asInteger(trailer.get('XRefStm'));
    if (hybrid !== undefined && !seen.has(hybrid)) {
      seen.add(hybrid);
      for (const [num, entry] of this.xrefStreamEntries(hybrid)[0]) {
        if (section.get(num)?.type !== 1) section.set(num, entry);
      }
    }
    this.merge(section);
    return trailer;
  }

  private merge(section: Map<number, Entry>): void {
    if (this.entries.size + section.size > this.limits.entries) fail('Too many cross-reference entries');
    for (const [num, entry] of section) if (!this.entries.has(num)) this.entries.set(num, entry);
  }

  private readXrefStream(offset: number): PdfDict {
    const [section, dict] = this.xrefStreamEntries(offset);
    this.merge(section);
    return dict;
  }

  private xrefStreamEntries(offset: number): [Map<number, Entry>, PdfDict] {
    const stream = this.parseIndirect(offset)?.[2];
    if (!(stream instanceof PdfStream) || !isName(stream.dict.get('Type'), 'XRef')) {
      return fail('No cross-reference at startxref');
    }
    const widths = stream.dict.get('W');
    const w = Array.isArray(widths) ? widths.map(asInteger) : [];
    if (w.length !== 3 || w.some((width) => width === undefined || width > 8)) fail('A broken /W');
    const [w0, w1, w2] = w as [number, number, number];
    const rowLength = w0 + w1 + w2;
    if (rowLength === 0) fail('A broken /W');
    const index = stream.dict.get('Index') ?? [0, asInteger(stream.dict.get('Size')) ?? 0];
    if (!Array.isArray(index) || index.length % 2) return fail('A broken /Index');
    const data = this.decode(stream);
    const field = (at: number, width: number) => {
      let value = 0;
      for (let i = 0; i < width; i++) value = value * 256 + data[at + i]!;
      return value;
    };
    const section = new Map<number, Entry>();
    let row = 0;
    for (let i = 0; i < index.length; i += 2) {
      const first = asInteger(index[i]) ?? fail('A broken /Index');
      const count = asInteger(index[i + 1]) ?? fail('A broken /Index');
      for (let k = 0; k < count && (row + 1) * rowLength <= data.length; k++, row++) {
        if (section.size >= this.limits.entries) fail('Too many cross-reference entries');
        const at = row * rowLength;
        const type = w0 === 0 ? 1 : field(at, w0);
        const a = field(at + w0, w1);
        const b = field(at + w0 + w1, w2);
        section.set(
          first + k,
          type === 1 ? { type, offset: a, gen: b } : type === 2 ? { type, stream: a, index: b } : { type: 0 },
        );
      }
    }
    return [section, stream.dict];
  }

  /** A stream's bytes through its filters: FlateDecode (with a PNG predictor) or none. */
  private decode(stream: PdfStream): Uint8Array {
    const filter = stream.dict.get('Filter');
    const filters = Array.isArray(filter) ? filter : filter === undefined ? [] : [filter];
    if (filters.length === 0) return stream.data;
    if (filters.length > 1 || !isName(filters[0], 'FlateDecode')) fail('An unsupported stream filter');
    const budget = this.limits.inflated - this.inflated;
    let data: Uint8Array;
    try {
      // A sync flush at the end reads a truncated stream as far as it goes, as viewers do.
      data = inflateSync(stream.data, {
        maxOutputLength: Math.max(1, budget),
        finishFlush: constants.Z_SYNC_FLUSH,
      });
    } catch (error) {
      return fail(`A stream does not inflate (${(error as Error).message})`);
    }
    this.inflated += data.length;
    let parms = stream.dict.get('DecodeParms');
    if (Array.isArray(parms)) parms = parms[0];
    if (!(parms instanceof PdfDict)) return data;
    const predictor = asInteger(parms.get('Predictor')) ?? 1;
    if (predictor === 1) return data;
    const colors = asInteger(parms.get('Colors')) ?? 1;
    const bits = asInteger(parms.get('BitsPerComponent')) ?? 8;
    const columns = asInteger(parms.get('Columns')) ?? 1;
    if (predictor < 10 || colors !== 1 || bits !== 8 || columns === 0) fail('An unsupported predictor');
    return unpredict(data, columns);
  }

  // --- Objects --------------------------------------------------------------------------------

  /** `n g obj …` at `offset`: its numbers and its object (a stream with its bytes). */
  private parseIndirect(offset: number): [number, number, PdfObject] | undefined {
    if (offset >= this.text.length) return undefined;
    const lexer = this.lexer(offset);
    const header = objectHeader(lexer);
    if (!header) return undefined;
    const object = lexer.object();
    const afterObject = lexer.pos;
    if (!(object instanceof PdfDict) || lexer.keyword() !== 'stream') {
      lexer.pos = afterObject;
      return [...header, object];
    }
    let start = lexer.pos;
    if (this.text[start] === '\r') start++;
    if (this.text[start] === '\n') start++;
    let end = -1;
    const length = this.streamLength(header[0], object.get('Length'));
    if (length !== undefined && start + length <= this.text.length) {
      const after = this.lexer(start + length);
      if (after.keyword() === 'endstream') end = start + length;
    }
    if (end < 0) {
      // A wrong or missing /Length: the data ends before the next endstream and its end of line.
      end = this.text.indexOf('endstream', start);
      if (end < 0) fail('A stream has no endstream');
      if (this.text[end - 1] === '\n') end--;
      if (this.text[end - 1] === '\r') end--;
      end = Math.max(start, end);
    }
    return [...header, new PdfStream(object, this.bytes.subarray(start, end))];
  }

  private streamLength(num: number, length: PdfObject | undefined): number | undefined {
    if (!(length instanceof PdfRef)) return asInteger(length);
    if (length.num === num || this.loading.has(length.num)) return undefined;
    return asInteger(this.resolve(length));
  }

  lookup(object: PdfObject | undefined): PdfObject | undefined {
    return readingSafely(() => this.resolve(object));
  }

  private resolve(object: PdfObject | undefined): PdfObject | undefined {
    if (!(object instanceof PdfRef)) return object;
    const { num } = object;
    if (this.cache.has(num)) return this.cache.get(num);
    if (this.loading.has(num)) fail(`Object ${num} refers to itself while loading`);
    // Each /Length or object stream loaded on the way is one more level of recursion.
    if (this.loading.size >= 32) fail('Objects refer to one another too deeply while loading');
    this.loading.add(num);
    try {
      const value = this.load(num, this.entries.get(num)) ?? null;
      if (this.ready) this.cache.set(num, value);
      return value;
    } finally {
      this.loading.delete(num);
    }
  }

  private load(num: number, entry: Entry | undefined): PdfObject | undefined {
    if (entry?.type === 2) return this.fromObjectStream(num, entry.stream, entry.index);
    if (entry?.type !== 1) return null;
    const parsed = this.parseIndirect(entry.offset);
    if (parsed && parsed[0] === num) return parsed[2];
    // The table points elsewhere: where the object is defined in the file, if anywhere.
    this.rebuilt = true;
    const found = this.scan().get(num);
    return found?.type === 1 && found.offset !== entry.offset ? this.load(num, found) : null;
  }

  private fromObjectStream(num: number, streamNum: number, index: number): PdfObject | undefined {
    const { text, offsets } = this.objectStream(streamNum);
    const at = offsets[index]?.[0] === num ? offsets[index] : offsets.find(([n]) => n === num);
    return at ? this.lexer(at[1], text).object() : null;
  }

  /** An object stream's objects (§7.5.7): its text, and each object's number and offset in it. */
  private objectStream(num: number): { text: string; offsets: [number, number][] } {
    const known = this.objectStreams.get(num);
    if (known) return known;
    // An object stream inside an object stream (itself included) is refused.
    if (this.entries.get(num)?.type !== 1) fail(`Object stream ${num} is not a plain object`);
    const stream = this.resolve(new PdfRef(num, 0));
    if (!(stream instanceof PdfStream) || !isName(stream.dict.get('Type'), 'ObjStm')) {
      return fail(`Object ${num} is not an object stream`);
    }
    const count = asInteger(stream.dict.get('N')) ?? fail('An object stream has no /N');
    const first = asInteger(stream.dict.get('First')) ?? fail('An object stream has no /First');
    const text = Buffer.from(this.decode(stream)).toString('latin1');
    const lexer = this.lexer(0, text);
    const offsets: [number, number][] = [];
    for (let i = 0; i < count && lexer.pos < first; i++) {
      const n = lexer.integer();
      const at = lexer.integer();
      if (n === undefined || at === undefined) return fail('A broken object stream header');
      offsets.push([n, first + at]);
    }
    const parsed = { text, offsets };
    this.objectStreams.set(num, parsed);
    return parsed;
  }

  // --- Without a usable cross-reference -------------------------------------------------------

  /** Every `n g obj` in the file, the last definition of a number winning. */
  private scan(): Map<number, Entry> {
    if (this.scanned) return this.scanned;
    const found = new Map<number, Entry>();
    const header = /(\d{1,10})[\0\t\n\f\r ]+(\d{1,5})[\0\t\n\f\r ]+$/;
    for (let at = this.text.indexOf('obj'); at >= 0; at = this.text.indexOf('obj', at + 3)) {
      if (isRegular(this.text.charCodeAt(at + 3))) continue;
      const from = Math.max(0, at - 40);
      const match = header.exec(this.text.slice(from, at));
      if (!match || /\d/.test(this.text[from + match.index - 1] ?? '')) continue;
      if (found.size >= this.limits.entries) fail('Too many objects');
      found.set(Number(match[1]), { type: 1, offset: from + match.index, gen: Number(match[2]) });
    }
    this.scanned = found;
    return found;
  }

  private readByScanning(): void {
    this.rebuilt = true;
    this.entries.clear();
    this.cache.clear();
    this.objectStreams.clear();
    for (const [num, entry] of this.scan()) this.entries.set(num, entry);
    // Objects in object streams, where no plain definition has their number.
    for (const at of this.occurrences(/\/Type\s*\/ObjStm\b/g)) {
      const num = this.enclosingObject(at);
      if (num === undefined) continue;
      let offsets: [number, number][];
      try {
        offsets = this.objectStream(num).offsets;
      } catch (error) {
        if (!(error instanceof PdfReadError)) throw error;
        continue;
      }
      offsets.forEach(([n], index) => {
        if (!this.entries.has(n)) this.entries.set(n, { type: 2, stream: num, index });
      });
    }
    // The trailer: the last trailer dictionary or cross-reference stream, whichever is later.
    const classic = this.text.lastIndexOf('trailer');
    const stream = this.occurrences(/\/Type\s*\/XRef\b/g).pop() ?? -1;
    let trailer: PdfObject | undefined;
    if (classic > stream) {
      try {
        trailer = this.lexer(classic + 7).object();
      } catch (error) {
        if (!(error instanceof PdfReadError)) throw error;
      }
    } else if (stream >= 0) {
      const num = this.enclosingObject(stream);
      trailer = num === undefined ? undefined : this.resolve(new PdfRef(num, 0));
      if (trailer instanceof PdfStream) trailer = trailer.dict;
    }
    this.trailer = trailer instanceof PdfDict ? trailer : new PdfDict();
    if (!(this.trailer.get('Root') instanceof PdfRef)) {
      const catalog = this.occurrences(/\/Type\s*\/Catalog\b/g).pop();
      const num = catalog === undefined ? undefined : this.enclosingObject(catalog);
      if (num === undefined) fail('The file has no catalog');
      this.trailer.set('Root', new PdfRef(num!, 0));
    }
  }

  private occurrences(pattern: RegExp): number[] {
    return [...this.text.matchAll(pattern)].map((match) => match.index);
  }

  /** The number of the scanned object defined last before `at` (a binary search of their offsets). */
  private enclosingObject(at: number): number | undefined {
    this.byOffset ??= [...this.scan()]
      .flatMap(([num, entry]) => (entry.type === 1 ? [[entry.offset, num] as [number, number]] : []))
      .sort((a, b) => a[0] - b[0]);
    let [low, high] = [0, this.byOffset.length - 1];
    let found: number | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [offset, num] = this.byOffset[middle]!;
      if (offset < at) {
        found = num;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  objectNumbers(): number[] {
    return [...this.entries].filter(([, entry]) => entry.type !== 0).map(([num]) => num);
  }
}

/** Reads a PDF's structure; objects are loaded when looked up. Throws PdfReadError only. */
export function readPdf(bytes: Uint8Array, limits: PdfLimits = LIMITS): PdfFile {
  return readingSafely(() => new Reader(bytes, limits));
}
