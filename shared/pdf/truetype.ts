/**
 * TrueType fonts for the PDFs the platform writes (./writer.ts): reading the tables a PDF needs
 * (character → glyph, advance widths, the font's box and vertical metrics) and writing a subset that
 * holds only the glyphs a document uses, renumbered from 0 (ISO 32000-1 §9.9: a CIDFontType2 font
 * program needs head, hhea, loca, maxp, cvt, prep, glyf, hmtx, fpgm; no cmap, the PDF maps CIDs to
 * glyphs itself). No shaping: one code point, one glyph, which is all Vietnamese needs once the text is
 * in NFC (every Vietnamese letter is precomposed in Unicode and in DejaVu).
 *
 * Written here rather than taken from fontkit: fontkit (with its shaping engine, its Unicode tables
 * and every font format) is 918 KB minified, almost twice the size budget of a whole function, for
 * the few hundred lines below (issue 10; tests/unit/pdf-truetype.test.ts checks this file against it).
 */

export class FontError extends Error {
  override name = 'FontError';
}

interface TableRecord {
  readonly offset: number;
  readonly length: number;
}

/** Tables a CIDFontType2 program carries (ISO 32000-1 §9.9, table 126); cvt/fpgm/prep when present. */
const SUBSET_TABLES = ['cvt ', 'fpgm', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'prep'] as const;

// Composite glyph flags (OpenType glyf table).
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

export class TrueTypeFont {
  readonly unitsPerEm: number;
  /** [xMin, yMin, xMax, yMax] in font units. */
  readonly bbox: readonly [number, number, number, number];
  readonly ascent: number;
  readonly descent: number;
  readonly capHeight: number;
  readonly italicAngle: number;
  readonly fixedPitch: boolean;
  readonly bold: boolean;
  readonly postScriptName: string;
  readonly numGlyphs: number;

  private readonly view: DataView;
  private readonly tables = new Map<string, TableRecord>();
  private readonly numberOfHMetrics: number;
  private readonly longLoca: boolean;
  private readonly glyphOf: (codePoint: number) => number;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 12) throw new FontError('Not a TrueType font: too short');
    const version = this.u32(0);
    if (version !== 0x00010000 && version !== 0x74727565) {
      throw new FontError('Not a TrueType font (OpenType CFF and collections are not supported)');
    }
    const count = this.u16(4);
    for (let i = 0; i < count; i++) {
      const at = 12 + i * 16;
      const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
      const offset = this.u32(at + 8);
      const length = this.u32(at + 12);
      if (offset + length > bytes.length)
        throw new FontError(`The ${tag} table runs past the end of the font`);
      this.tables.set(tag, { offset, length });
    }
    const head = this.table('head');
    this.unitsPerEm = this.u16(head + 18);
    this.bbox = [this.i16(head + 36), this.i16(head + 38), this.i16(head + 40), this.i16(head + 42)];
    this.longLoca = this.i16(head + 50) === 1;
    const hhea = this.table('hhea');
    this.ascent = this.i16(hhea + 4);
    this.descent = this.i16(hhea + 6);
    this.numberOfHMetrics = this.u16(hhea + 34);
    this.numGlyphs = this.u16(this.table('maxp') + 4);
    const os2 = this.tables.get('OS/2');
    this.capHeight = os2 && this.u16(os2.offset) >= 2 ? this.i16(os2.offset + 88) : this.ascent;
    this.bold = os2 ? this.u16(os2.offset + 4) >= 600 : false;
    const post = this.tables.get('post');
    this.italicAngle = post ? this.i32(post.offset + 4) / 65536 : 0;
    this.fixedPitch = post ? this.u32(post.offset + 12) !== 0 : false;
    this.postScriptName = this.readPostScriptName();
    this.glyphOf = this.readCmap();
  }

  /** The glyph of a code point; 0 (.notdef) when the font has none. */
  glyph(codePoint: number): number {
    return this.glyphOf(codePoint);
  }

  /** Advance width of a glyph in font units. */
  advance(glyph: number): number {
    const index = Math.min(glyph, this.numberOfHMetrics - 1);
    return this.u16(this.table('hmtx') + index * 4);
  }

  /** Width of `text` (NFC) at `size` points. */
  widthOf(text: string, size: number): number {
    let units = 0;
    for (const char of text.normalize('NFC')) units += this.advance(this.glyph(char.codePointAt(0)!));
    return (units * size) / this.unitsPerEm;
  }

  /**
   * A font program with `glyphs` (old ids, in their new order: `glyphs[newId] = oldId`; glyph 0 must
   * be .notdef), plus the components of composite glyphs appended after them.
   */
  subset(glyphs: readonly number[]): Uint8Array {
    if (glyphs[0] !== 0) throw new FontError('A subset starts with .notdef');
    const order = [...glyphs];
    const newId = new Map(order.map((old, index) => [old, index]));
    const outlines: Uint8Array[] = [];
    for (let i = 0; i < order.length; i++) {
      const outline = new Uint8Array(this.outline(order[i]!)); // a copy: components are renumbered in it
      if (outline.length >= 10 && this.i16FromBytes(outline, 0) < 0) {
        let at = 10;
        for (;;) {
          const flags = (outline[at]! << 8) | outline[at + 1]!;
          const component = (outline[at + 2]! << 8) | outline[at + 3]!;
          if (!newId.has(component)) {
            newId.set(component, order.length);
            order.push(component);
          }
          const id = newId.get(component)!;
          outline[at + 2] = id >> 8;
          outline[at + 3] = id & 0xff;
          at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
          if (flags & WE_HAVE_A_SCALE) at += 2;
          else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
          else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
          if (!(flags & MORE_COMPONENTS)) break;
          if (at + 4 > outline.length) throw new FontError(`Glyph ${order[i]} is a truncated composite`);
        }
      }
      outlines.push(outline);
    }

    const glyfParts: Uint8Array[] = [];
    const loca = new Uint8Array((order.length + 1) * 4);
    const locaView = new DataView(loca.buffer);
    let glyfLength = 0;
    outlines.forEach((outline, index) => {
      locaView.setUint32(index * 4, glyfLength);
      glyfParts.push(outline);
      glyfLength += outline.length;
      const pad = (4 - (outline.length % 4)) % 4;
      if (pad) {
        glyfParts.push(new Uint8Array(pad));
        glyfLength += pad;
      }
    });
    locaView.setUint32(order.length * 4, glyfLength);

    const hmtx = new Uint8Array(order.length * 4);
    const hmtxView = new DataView(hmtx.buffer);
    const hmtxStart = this.table('hmtx');
    order.forEach((old, index) => {
      hmtxView.setUint16(index * 4, this.advance(old));
      const lsbAt =
        old < this.numberOfHMetrics
          ? hmtxStart + old * 4 + 2
          : hmtxStart + this.numberOfHMetrics * 4 + (old - this.numberOfHMetrics) * 2;
      hmtxView.setInt16(index * 4 + 2, this.i16(lsbAt));
    });

    const head = this.copyTable('head');
    new DataView(head.buffer).setUint32(8, 0); // checkSumAdjustment, set by writeSfnt
    new DataView(head.buffer).setInt16(50, 1); // long loca
    const hhea = this.copyTable('hhea');
    new DataView(hhea.buffer).setUint16(34, order.length);
    const maxp = this.copyTable('maxp');
    new DataView(maxp.buffer).setUint16(4, order.length);

    const tables = new Map<string, Uint8Array>([
      ['glyf', concat(glyfParts, glyfLength)],
      ['head', head],
      ['hhea', hhea],
      ['hmtx', hmtx],
      ['loca', loca],
      ['maxp', maxp],
    ]);
    for (const tag of ['cvt ', 'fpgm', 'prep'] as const)
      if (this.tables.has(tag)) tables.set(tag, this.copyTable(tag));
    return writeSfnt(SUBSET_TABLES.filter((tag) => tables.has(tag)).map((tag) => [tag, tables.get(tag)!]));
  }

  private outline(glyph: number): Uint8Array {
    if (glyph < 0 || glyph >= this.numGlyphs) throw new FontError(`The font has no glyph ${glyph}`);
    const loca = this.table('loca');
    const start = this.longLoca ? this.u32(loca + glyph * 4) : this.u16(loca + glyph * 2) * 2;
    const end = this.longLoca ? this.u32(loca + glyph * 4 + 4) : this.u16(loca + glyph * 2 + 2) * 2;
    const glyf = this.tables.get('glyf')!;
    if (end < start || end > glyf.length) throw new FontError(`Glyph ${glyph} lies outside the glyf table`);
    return this.bytes.subarray(glyf.offset + start, glyf.offset + end);
  }

  private readCmap(): (codePoint: number) => number {
    const cmap = this.table('cmap');
    const count = this.u16(cmap + 2);
    const candidates: { score: number; at: number }[] = [];
    for (let i = 0; i < count; i++) {
      const platform = this.u16(cmap + 4 + i * 8);
      const encoding = this.u16(cmap + 6 + i * 8);
      const at = cmap + this.u32(cmap + 8 + i * 8);
      const format = this.u16(at);
      const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
      if (!unicode) continue;
      if (format === 12) candidates.push({ score: 2, at });
      else if (format === 4) candidates.push({ score: 1, at });
    }
    const best = candidates.sort((a, b) => b.score - a.score)[0];
    if (!best) throw new FontError('The font has no Unicode character map (cmap format 4 or 12)');
    return this.u16(best.at) === 12 ? this.format12(best.at) : this.format4(best.at);
  }

  private format4(at: number): (codePoint: number) => number {
    const segments = this.u16(at + 6) / 2;
    const ends = at + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const rangeOffsets = deltas + segments * 2;
    return (codePoint) => {
      if (codePoint > 0xffff) return 0;
      let low = 0;
      let high = segments - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (this.u16(ends + mid * 2) < codePoint) low = mid + 1;
        else high = mid;
      }
      const start = this.u16(starts + low * 2);
      if (codePoint < start || codePoint > this.u16(ends + low * 2)) return 0;
      const delta = this.u16(deltas + low * 2);
      const rangeOffset = this.u16(rangeOffsets + low * 2);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyphAt = rangeOffsets + low * 2 + rangeOffset + (codePoint - start) * 2;
      const glyph = this.u16(glyphAt);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    };
  }

  private format12(at: number): (codePoint: number) => number {
    const groups = this.u32(at + 12);
    return (codePoint) => {
      let low = 0;
      let high = groups - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const group = at + 16 + mid * 12;
        if (codePoint < this.u32(group)) high = mid - 1;
        else if (codePoint > this.u32(group + 4)) low = mid + 1;
        else return this.u32(group + 8) + (codePoint - this.u32(group));
      }
      return 0;
    };
  }

  private readPostScriptName(): string {
    const name = this.tables.get('name');
    const fallback = 'Font';
    if (!name) return fallback;
    const count = this.u16(name.offset + 2);
    const strings = name.offset + this.u16(name.offset + 4);
    for (let i = 0; i < count; i++) {
      const record = name.offset + 6 + i * 12;
      if (this.u16(record + 6) !== 6) continue;
      const platform = this.u16(record);
      const length = this.u16(record + 8);
      const start = strings + this.u16(record + 10);
      const raw = this.bytes.subarray(start, start + length);
      const text =
        platform === 3 || platform === 0
          ? String.fromCharCode(
              ...Array.from({ length: length >> 1 }, (_, k) => (raw[k * 2]! << 8) | raw[k * 2 + 1]!),
            )
          : String.fromCharCode(...raw);
      const clean = text.replace(/[^A-Za-z0-9_.-]/g, '');
      if (clean) return clean;
    }
    return fallback;
  }

  private table(tag: string): number {
    const record = this.tables.get(tag);
    if (!record) throw new FontError(`The font has no ${tag} table`);
    return record.offset;
  }

  private copyTable(tag: string): Uint8Array {
    const record = this.tables.get(tag)!;
    return new Uint8Array(this.bytes.subarray(record.offset, record.offset + record.length));
  }

  private u16 = (at: number) => this.view.getUint16(at);
  private i16 = (at: number) => this.view.getInt16(at);
  private u32 = (at: number) => this.view.getUint32(at);
  private i32 = (at: number) => this.view.getInt32(at);
  private i16FromBytes = (bytes: Uint8Array, at: number) => ((bytes[at]! << 24) >> 16) | bytes[at + 1]!;
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function checksum(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sum = 0;
  const whole = bytes.length - (bytes.length % 4);
  for (let at = 0; at < whole; at += 4) sum = (sum + view.getUint32(at)) >>> 0;
  if (whole < bytes.length) {
    let last = 0;
    for (let k = 0; k < 4; k++) last = (last << 8) | (bytes[whole + k] ?? 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}

/**
 * An sfnt file of `tables` (tags in ascending order), each 4-byte aligned with its checksum, and
 * head.checkSumAdjustment (zero in the given head) set so that the whole font sums to 0xB1B0AFBA.
 */
function writeSfnt(tables: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const count = tables.length;
  const power = 2 ** Math.floor(Math.log2(count));
  let length = 12 + count * 16;
  for (const [, data] of tables) length += (data.length + 3) & ~3;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00010000);
  view.setUint16(4, count);
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, count * 16 - power * 16);
  let at = 12 + count * 16;
  let headAt = -1;
  tables.forEach(([tag, data], index) => {
    if (tag === 'head') headAt = at;
    const record = 12 + index * 16;
    for (let k = 0; k < 4; k++) out[record + k] = tag.charCodeAt(k);
    view.setUint32(record + 4, checksum(data));
    view.setUint32(record + 8, at);
    view.setUint32(record + 12, data.length);
    out.set(data, at);
    at += (data.length + 3) & ~3;
  });
  if (headAt >= 0) view.setUint32(headAt + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
