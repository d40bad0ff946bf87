/**
 * A small PDF writer for the documents the platform produces itself (the monthly report, payment
 * receipts): pages of text set in an embedded TrueType font (./truetype.ts, subset to the glyphs used),
 * lines, document information, and optionally an empty signature field whose /Contents is filled by a
 * seal afterwards (PAdES, shared/signing/pdf-signature.ts). PDF 1.7, one revision, a classic xref
 * table, Flate-compressed streams; the same input gives the same bytes.
 *
 * Text is encoded as glyph ids (Identity-H) with a ToUnicode map, so viewers and `pdftotext` read it
 * back as Unicode. Reading or changing PDFs from elsewhere is not this file's job (./reader.ts reads them,
 * shared/signing/pades.ts changes them).
 *
 * Written here rather than with pdf-lib + fontkit, which weigh 1.3 MB minified together (issue 10's
 * budget is 500 KB a function) for what these documents use: text, lines, one font program.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  placeholderOf,
  type SignatureFieldOptions,
  type SignaturePlaceholder,
  signatureDictionary,
} from '../signing/pdf-signature.ts';
import { pdfDate, textString } from './syntax.ts';
import type { TrueTypeFont } from './truetype.ts';

export type Rgb = readonly [number, number, number];

/** A font as used in one document: the glyphs drawn so far get CIDs 1, 2, … (0 is .notdef). */
export class PdfFont {
  /** cid → old glyph id. */
  readonly glyphs: number[] = [0];
  /** cid → the text it stands for (ToUnicode). */
  readonly unicode: string[] = [''];
  private readonly cidOfGlyph = new Map<number, number>([[0, 0]]);

  constructor(
    readonly font: TrueTypeFont,
    readonly resourceName: string,
  ) {}

  widthOf(text: string, size: number): number {
    return this.font.widthOf(text, size);
  }

  /** The text as Identity-H CIDs, hex. */
  encode(text: string): string {
    let hex = '';
    for (const char of text.normalize('NFC')) {
      const glyph = this.font.glyph(char.codePointAt(0)!);
      let cid = this.cidOfGlyph.get(glyph);
      if (cid === undefined) {
        cid = this.glyphs.length;
        this.glyphs.push(glyph);
        this.unicode.push(char);
        this.cidOfGlyph.set(glyph, cid);
      }
      hex += cid.toString(16).padStart(4, '0');
    }
    return hex;
  }
}

const num = (value: number): string => {
  const rounded = Math.round(value * 1000) / 1000;
  return Object.is(rounded, -0) ? '0' : String(rounded);
};

const color = (rgb: Rgb) => rgb.map(num).join(' ');

export class PdfPage {
  readonly content: string[] = [];
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  text(text: string, options: { x: number; y: number; size: number; font: PdfFont; color?: Rgb }): void {
    this.content.push(
      `BT ${color(options.color ?? [0, 0, 0])} rg /${options.font.resourceName} ${num(options.size)} Tf ` +
        `${num(options.x)} ${num(options.y)} Td <${options.font.encode(text)}> Tj ET`,
    );
  }

  line(options: {
    from: readonly [number, number];
    to: readonly [number, number];
    color?: Rgb;
    thickness?: number;
  }): void {
    this.content.push(
      `q ${color(options.color ?? [0, 0, 0])} RG ${num(options.thickness ?? 1)} w ` +
        `${num(options.from[0])} ${num(options.from[1])} m ${num(options.to[0])} ${num(options.to[1])} l S Q`,
    );
  }
}

export interface DocumentInfo {
  readonly title?: string;
  readonly subject?: string;
  readonly producer?: string;
  /** BCP 47 tag of the text (catalog /Lang), e.g. vi-VN. */
  readonly language?: string;
  /** CreationDate and ModDate; absent, the document carries no date (and is reproducible). */
  readonly createdAt?: Date;
}

export interface SavedPdf {
  readonly pdf: Uint8Array;
  /** With `signatureField`: where the CMS goes and the digest to sign. */
  readonly signature?: SignaturePlaceholder;
}

export class PdfDocument {
  private readonly pages: PdfPage[] = [];
  private readonly fonts: PdfFont[] = [];

  constructor(private readonly info: DocumentInfo = {}) {}

  addPage(width: number, height: number): PdfPage {
    const page = new PdfPage(width, height);
    this.pages.push(page);
    return page;
  }

  /** Uses a font in this document (each call: its own resource and subset). */
  useFont(font: TrueTypeFont): PdfFont {
    const used = new PdfFont(font, `F${this.fonts.length + 1}`);
    this.fonts.push(used);
    return used;
  }

  /** The file; with `signatureField`, an empty signature field on the first page and its placeholder. */
  save(options: { signatureField?: SignatureFieldOptions } = {}): SavedPdf {
    if (this.pages.length === 0) throw new Error('A PDF needs a page');
    const objects: (string | Uint8Array)[] = []; // object n is objects[n - 1]
    const reserve = () => objects.push('');
    const set = (ref: number, body: string | Uint8Array) => {
      objects[ref - 1] = body;
    };
    const stream = (dictionary: string, data: Uint8Array | string): Uint8Array => {
      const raw = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      const body = deflateSync(raw, { level: 9 });
      return Buffer.concat([
        Buffer.from(`<< ${dictionary} /Filter /FlateDecode /Length ${body.length} >>\nstream\n`, 'latin1'),
        body,
        Buffer.from('\nendstream', 'latin1'),
      ]);
    };

    const catalogRef = reserve();
    const pagesRef = reserve();
    const infoRef = reserve();
    const fontRefs = this.fonts.map((font) => [font, this.writeFont(font, reserve, set, stream)] as const);
    const resources = `<< /Font << ${fontRefs.map(([font, ref]) => `/${font.resourceName} ${ref} 0 R`).join(' ')} >> >>`;
    const contentRefs = this.pages.map((page) => {
      const ref = reserve();
      set(ref, stream('', page.content.join('\n')));
      return ref;
    });
    const pageRefs = this.pages.map(() => reserve());
    let acroForm = '';
    let firstPageAnnots = '';
    let signatureRef: number | undefined;
    if (options.signatureField) {
      signatureRef = reserve();
      const widgetRef = reserve();
      set(
        widgetRef,
        `<< /Type /Annot /Subtype /Widget /FT /Sig /T ${textString(options.signatureField.fieldName ?? 'Signature1')}` +
          ` /V ${signatureRef} 0 R /P ${pageRefs[0]} 0 R /F 132 /Rect [0 0 0 0] >>`,
      );
      set(signatureRef, signatureDictionary(options.signatureField));
      acroForm = ` /AcroForm << /Fields [${widgetRef} 0 R] /SigFlags 3 >>`;
      firstPageAnnots = ` /Annots [${widgetRef} 0 R]`;
    }
    this.pages.forEach((page, index) => {
      set(
        pageRefs[index]!,
        `<< /Type /Page /Parent ${pagesRef} 0 R /MediaBox [0 0 ${num(page.width)} ${num(page.height)}]` +
          ` /Resources ${resources} /Contents ${contentRefs[index]} 0 R${index === 0 ? firstPageAnnots : ''} >>`,
      );
    });
    set(
      pagesRef,
      `<< /Type /Pages /Kids [${pageRefs.map((ref) => `${ref} 0 R`).join(' ')}] /Count ${pageRefs.length} >>`,
    );
    const lang = this.info.language ? ` /Lang ${textString(this.info.language)}` : '';
    set(catalogRef, `<< /Type /Catalog /Pages ${pagesRef} 0 R${lang}${acroForm} >>`);
    const entries: string[] = [];
    if (this.info.title) entries.push(`/Title ${textString(this.info.title)}`);
    if (this.info.subject) entries.push(`/Subject ${textString(this.info.subject)}`);
    if (this.info.producer) entries.push(`/Producer ${textString(this.info.producer)}`);
    if (this.info.createdAt) {
      const date = textString(pdfDate(this.info.createdAt));
      entries.push(`/CreationDate ${date}`, `/ModDate ${date}`);
    }
    set(infoRef, `<< ${entries.join(' ')} >>`);

    const chunks: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    let offset = chunks[0]!.length;
    const offsets: number[] = [];
    let signatureAt = 0;
    objects.forEach((body, index) => {
      offsets.push(offset);
      if (index + 1 === signatureRef) signatureAt = offset;
      const bytes = Buffer.concat([
        Buffer.from(`${index + 1} 0 obj\n`, 'latin1'),
        typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
        Buffer.from('\nendobj\n', 'latin1'),
      ]);
      chunks.push(bytes);
      offset += bytes.length;
    });
    const id = createHash('md5').update(Buffer.concat(chunks)).digest('hex').toUpperCase();
    const xref = [
      'xref',
      `0 ${objects.length + 1}`,
      '0000000000 65535 f\r',
      ...offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n\r`),
      'trailer',
      `<< /Size ${objects.length + 1} /Root ${catalogRef} 0 R /Info ${infoRef} 0 R /ID [<${id}> <${id}>] >>`,
      'startxref',
      String(offset),
      '%%EOF',
      '',
    ].join('\n');
    chunks.push(Buffer.from(xref, 'latin1'));
    const pdf = new Uint8Array(Buffer.concat(chunks));
    if (signatureRef === undefined) return { pdf };
    return { pdf, signature: placeholderOf(pdf, signatureAt) };
  }

  private writeFont(
    used: PdfFont,
    reserve: () => number,
    set: (ref: number, body: string | Uint8Array) => void,
    stream: (dictionary: string, data: Uint8Array | string) => Uint8Array,
  ): number {
    const { font } = used;
    const scale = (units: number) => num((units * 1000) / font.unitsPerEm);
    const program = font.subset(used.glyphs);
    // The subset's tag (six capitals, ISO 32000-1 §9.6.4) names the glyph set, so equal input gives equal bytes.
    const digest = createHash('sha256').update(used.glyphs.join(',')).digest();
    const tag = Array.from(digest.subarray(0, 6), (byte) => String.fromCharCode(65 + (byte % 26))).join('');
    const baseFont = `${tag}+${font.postScriptName}`;
    const type0 = reserve();
    const cidFont = reserve();
    const descriptor = reserve();
    const file = reserve();
    const toUnicode = reserve();
    set(file, stream(`/Length1 ${program.length}`, program));
    const flags = (font.fixedPitch ? 1 : 0) | 4 | (font.italicAngle !== 0 ? 64 : 0);
    set(
      descriptor,
      `<< /Type /FontDescriptor /FontName /${baseFont} /Flags ${flags}` +
        ` /FontBBox [${font.bbox.map(scale).join(' ')}] /ItalicAngle ${num(font.italicAngle)}` +
        ` /Ascent ${scale(font.ascent)} /Descent ${scale(font.descent)} /CapHeight ${scale(font.capHeight)}` +
        ` /StemV ${font.bold ? 120 : 80} /FontFile2 ${file} 0 R >>`,
    );
    const widths = used.glyphs.map((glyph) => scale(font.advance(glyph))).join(' ');
    set(
      cidFont,
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /${baseFont}` +
        ` /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>` +
        ` /FontDescriptor ${descriptor} 0 R /W [0 [${widths}]] /CIDToGIDMap /Identity >>`,
    );
    set(
      type0,
      `<< /Type /Font /Subtype /Type0 /BaseFont /${baseFont} /Encoding /Identity-H` +
        ` /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
    );
    set(toUnicode, stream('', toUnicodeCMap(used.unicode)));
    return type0;
  }
}

/** The ToUnicode CMap: each CID to the UTF-16BE of the text it was drawn for. */
function toUnicodeCMap(unicode: readonly string[]): string {
  const lines: string[] = [];
  const entries = unicode
    .map((text, cid) => [cid, text] as const)
    .filter(([cid, text]) => cid > 0 && text)
    .map(([cid, text]) => {
      let hex = '';
      for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
      return `<${cid.toString(16).padStart(4, '0')}> <${hex}>`;
    });
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    lines.push(`${block.length} beginbfchar`, ...block, 'endbfchar');
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...lines,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}
