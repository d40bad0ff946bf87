/**
 * The PDF writer and its TrueType subsetter (shared/pdf), checked against independent readers:
 * fontkit (the font library the writer replaced) for glyph ids, advance widths and outlines, and
 * poppler (pdftotext, pdffonts, pdfinfo) and pdf-lib for the file itself.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import fc from 'fast-check';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { FontError, TrueTypeFont } from '#shared/pdf/truetype.ts';
import { PdfDocument } from '#shared/pdf/writer.ts';
import { findSignatures } from '#shared/signing/pades.ts';

const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const regularBytes = readFileSync(join(fontDir, 'DejaVuSans.ttf'));
const boldBytes = readFileSync(join(fontDir, 'DejaVuSans-Bold.ttf'));
const regular = new TrueTypeFont(regularBytes);
const bold = new TrueTypeFont(boldBytes);
const reference = fontkit.create(regularBytes) as unknown as FontkitFont;

interface FontkitGlyph {
  id: number;
  advanceWidth: number;
  path: { toSVG(): string };
}
interface FontkitFont {
  unitsPerEm: number;
  numGlyphs: number;
  postscriptName: string;
  ascent: number;
  descent: number;
  glyphForCodePoint(codePoint: number): FontkitGlyph;
  getGlyph(id: number): FontkitGlyph;
}

/** Every letter of Vietnamese, upper and lower case, with punctuation and digits. */
const VIETNAMESE =
  'aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ' +
  'AÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬBCDĐEÈẺẼÉẸÊỀỂỄẾỆGHIÌỈĨÍỊKLMNOÒỎÕÓỌÔỒỔỖỐỘƠỜỞỠỚỢPQRSTUÙỦŨÚỤƯỪỬỮỨỰVXYỲỶỸÝỴ' +
  '0123456789 .,;:!?()[]/-–—…“”‘’%₫';

const pdftotext = (pdf: Uint8Array, layout = false): string =>
  execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-', '-'], { input: pdf }).toString('utf8');

describe('TrueType font', () => {
  it('reads the metrics fontkit reads', () => {
    expect(regular.unitsPerEm).toBe(reference.unitsPerEm);
    expect(regular.numGlyphs).toBe(reference.numGlyphs);
    expect(regular.postScriptName).toBe(reference.postscriptName);
    expect(regular.ascent).toBe(reference.ascent);
    expect(regular.descent).toBe(reference.descent);
    expect(bold.bold).toBe(true);
    expect(regular.bold).toBe(false);
  });

  it('maps every Vietnamese letter to the glyph and advance width fontkit gives', () => {
    for (const char of VIETNAMESE) {
      const codePoint = char.codePointAt(0)!;
      const expected = reference.glyphForCodePoint(codePoint);
      expect(regular.glyph(codePoint), char).toBe(expected.id);
      expect(regular.advance(regular.glyph(codePoint)), char).toBe(expected.advanceWidth);
    }
  });

  it('maps any code point as fontkit does (both cmap formats, misses to .notdef)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x10ffff }), (codePoint) => {
        expect(regular.glyph(codePoint)).toBe(reference.glyphForCodePoint(codePoint).id);
      }),
      { numRuns: 3000 },
    );
    expect(regular.glyph(0x4e00)).toBe(0); // no Chinese in DejaVu Sans
    expect(regular.glyph(0x1f600)).toBeGreaterThan(0); // beyond the BMP: cmap format 12
  });

  it('measures text in points as the sum of advances (NFC)', () => {
    const text = 'Nguyễn Văn Đức';
    const units = [...text].reduce(
      (sum, char) => sum + reference.glyphForCodePoint(char.codePointAt(0)!).advanceWidth,
      0,
    );
    expect(regular.widthOf(text, 10)).toBeCloseTo((units * 10) / reference.unitsPerEm, 9);
    // Decomposed input (NFD, as some keyboards type it) measures as its precomposed letters.
    expect(regular.widthOf(text.normalize('NFD'), 10)).toBeCloseTo(regular.widthOf(text, 10), 9);
  });

  it('a subset holds the chosen glyphs, renumbered, with the same outlines and widths, and composite parts follow', () => {
    const chars = [...'Việt Nam ỗ Đ ắ ự ₫'];
    const old = [0, ...new Set(chars.map((c) => regular.glyph(c.codePointAt(0)!)))];
    const subsetBytes = regular.subset(old);
    const subset = fontkit.create(Buffer.from(subsetBytes)) as unknown as FontkitFont;
    expect(subset.numGlyphs).toBeGreaterThanOrEqual(old.length);
    expect(subset.unitsPerEm).toBe(reference.unitsPerEm);
    old.forEach((glyph, newId) => {
      const original = reference.getGlyph(glyph);
      const copied = subset.getGlyph(newId);
      expect(copied.advanceWidth).toBe(original.advanceWidth);
      expect(copied.path.toSVG(), `glyph ${glyph}`).toBe(original.path.toSVG());
    });
    // DejaVu builds accented letters from parts: the subset must carry them, or the outline above would be empty.
    expect(subset.numGlyphs).toBeGreaterThan(old.length);
  });

  it('writes a font whose checksums hold (head.checkSumAdjustment)', () => {
    const subset = regular.subset([0, regular.glyph(65)]);
    const view = new DataView(subset.buffer, subset.byteOffset, subset.byteLength);
    let sum = 0;
    for (let at = 0; at < subset.length; at += 4) sum = (sum + view.getUint32(at)) >>> 0;
    expect(sum).toBe(0xb1b0afba);
  });

  it('refuses what is not a TrueType font, clearly', () => {
    expect(() => new TrueTypeFont(new Uint8Array(4))).toThrow(FontError);
    expect(() => new TrueTypeFont(new TextEncoder().encode('%PDF-1.7 not a font at all'))).toThrow(FontError);
    const cut = regularBytes.subarray(0, 40_000);
    expect(() => new TrueTypeFont(cut)).toThrow(FontError);
    expect(() => regular.subset([5])).toThrow(FontError);
  });
});

function sample(text: string, options: { pages?: number } = {}) {
  const pdf = new PdfDocument({ title: 'Báo cáo thử (test)', producer: 'tests', language: 'vi-VN' });
  const font = pdf.useFont(regular);
  const heavy = pdf.useFont(bold);
  for (let n = 0; n < (options.pages ?? 1); n++) {
    const page = pdf.addPage(595, 842);
    page.text(`Trang ${n + 1}`, { x: 36, y: 800, size: 14, font: heavy });
    // Lines of at most 40 characters (text past the page's edge is not on the page).
    const lines = [...text].join('').match(/.{1,40}/gu) ?? [];
    lines.forEach((line, index) => {
      page.text(line, { x: 36, y: 770 - index * 14, size: 10, font });
    });
    page.line({ from: [36, 790], to: [559, 790], color: [0.6, 0.6, 0.6] });
  }
  return pdf;
}

describe('PDF writer', () => {
  it('writes Vietnamese text that poppler reads back exactly, in embedded subset fonts with Unicode maps', () => {
    const { pdf } = sample(VIETNAMESE, { pages: 2 }).save();
    const text = pdftotext(pdf);
    expect(text).toContain('Trang 1');
    expect(text).toContain('Trang 2');
    expect(text.replace(/\n/g, '')).toContain(VIETNAMESE);
    const fonts = execFileSync('pdffonts', ['-'], { input: pdf }).toString('utf8');
    expect(fonts).toMatch(/\+DejaVuSans\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    expect(fonts).toMatch(/\+DejaVuSans-Bold\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    const info = execFileSync('pdfinfo', ['-'], { input: pdf }).toString('utf8');
    expect(info).toMatch(/Title:\s+Báo cáo thử \(test\)/);
    expect(info).toMatch(/Pages:\s+2/);
    expect(info).toMatch(/Page size:\s+595 x 842 pts \(A4\)/);
  });

  it('reads back any text it is given (property, printable Unicode of the font)', async () => {
    const printable = [...VIETNAMESE].filter((c) => c !== ' ');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...printable), { minLength: 1, maxLength: 60 }),
        async (chars) => {
          const text = chars.join('');
          const { pdf } = sample(text).save();
          expect(pdftotext(pdf)).toContain(text);
          const loaded = await PDFDocument.load(pdf);
          expect(loaded.getPageCount()).toBe(1);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('gives the same bytes for the same input, and embeds only the glyphs used', () => {
    const a = sample('Hồ sơ thủ tục hành chính').save().pdf;
    const b = sample('Hồ sơ thủ tục hành chính').save().pdf;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(a.length).toBeLessThan(30_000); // the whole font is 757 KB
    const more = sample(VIETNAMESE).save().pdf;
    expect(more.length).toBeGreaterThan(a.length);
  });

  it('escapes what must be escaped in the document information', () => {
    const pdf = new PdfDocument({ title: 'a (b) \\ c', subject: 'Tiếng Việt (có dấu)' });
    pdf.addPage(100, 100);
    const info = execFileSync('pdfinfo', ['-'], { input: pdf.save().pdf }).toString('utf8');
    expect(info).toMatch(/Title:\s+a \(b\) \\ c/);
    expect(info).toMatch(/Subject:\s+Tiếng Việt \(có dấu\)/);
  });

  it('with a signature field: a placeholder whose ByteRange surrounds /Contents and covers the rest', () => {
    const saved = sample('Biên lai').save({
      signatureField: {
        reason: 'Biên lai thu phí',
        name: 'Sở Tài chính',
        signingTime: new Date('2026-11-22T03:00:00Z'),
      },
    });
    const { byteRange } = saved.signature!;
    const [a, b, c, d] = byteRange;
    expect(a).toBe(0);
    expect(c + d).toBe(saved.pdf.length);
    expect(saved.pdf[b]).toBe(0x3c); // <
    expect(saved.pdf[c - 1]).toBe(0x3e); // >
    const found = findSignatures(saved.pdf);
    expect(found).toHaveLength(1);
    expect(found[0]!.byteRange).toEqual(byteRange);
    expect(found[0]!.signingTime?.toISOString()).toBe('2026-11-22T03:00:00.000Z');
    const info = execFileSync('pdfinfo', ['-'], { input: saved.pdf }).toString('utf8');
    expect(info).toMatch(/Form:\s+AcroForm/);
  });

  it('refuses a document without pages', () => {
    expect(() => new PdfDocument().save()).toThrow(/page/);
  });
});
