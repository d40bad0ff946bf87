/**
 * PAdES signatures in a PDF (ISO 32000-1 §12.8, ETSI EN 319 142-1 baseline B), always as an
 * incremental update: the original bytes stay as they are, and a new section appends the signature
 * dictionary, its widget, the changed page and catalog, an xref section and a trailer with /Prev.
 * So every earlier signature (whose ByteRange covers an earlier revision) stays valid.
 *
 * The document is read with our own reader (shared/pdf/reader.ts: catalog, page, AcroForm), and only
 * the few objects this update adds or changes are serialised (shared/pdf/objects.ts); the file is
 * never rewritten (that would break earlier signatures).
 *
 * Two steps, so the signature value can be made elsewhere (two-phase signing):
 * `preparePdf` → the PDF with a zero-filled /Contents and the ByteRange digest;
 * `embedCms` → the same bytes with the CMS in /Contents.
 */
import {
  PdfDict,
  PdfName,
  type PdfObject,
  PdfRef,
  PdfStream,
  PdfString,
  serialize,
  serializeIndirect,
} from '../pdf/objects.ts';
import { pagesOf, pageWidth } from '../pdf/pages.ts';
import { type PdfFile, PdfReadError, readPdf } from '../pdf/reader.ts';
import { escapeLiteral, latin1, parsePdfDate } from '../pdf/syntax.ts';
import { derLength } from './cms.ts';
import {
  PdfSignatureError,
  placeholderOf,
  type SignatureFieldOptions,
  type SignaturePlaceholder,
  signatureDictionary,
} from './pdf-signature.ts';

// The byte-level half, for the callers that prepare and complete through this module.
export { embedCms, PdfSignatureError, rangeParts } from './pdf-signature.ts';

export interface VisibleStamp {
  /** Lines of the stamp (signer, agency, time…). Printed with a standard font; see docs/signatures.md. */
  readonly lines: readonly string[];
  /** Zero-based page index; default the last page. */
  readonly page?: number;
  /** [x, y, width, height] in points from the page's bottom-left corner; default the bottom-right corner. */
  readonly rect?: readonly [number, number, number, number];
}

export interface PrepareOptions extends SignatureFieldOptions {
  readonly stamp?: VisibleStamp;
}

export interface PreparedPdf extends SignaturePlaceholder {
  /** The PDF with the zero-filled /Contents placeholder. */
  readonly pdf: Uint8Array;
}

function lastStartXref(pdf: Uint8Array): number {
  const tail = latin1(pdf.subarray(Math.max(0, pdf.length - 2048)));
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!match) throw new PdfSignatureError('The PDF has no startxref at its end');
  return Number(match[1]);
}

/** Folds Vietnamese letters to ASCII for the standard-font stamp (Nguyễn Văn Đức → Nguyen Van Duc). */
export function foldToAscii(text: string): string {
  return text
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** Adds an empty signature field, the signature dictionary with a zero /Contents, and computes the digest. */
export async function preparePdf(original: Uint8Array, options: PrepareOptions): Promise<PreparedPdf> {
  try {
    return prepare(original, options);
  } catch (error) {
    if (!(error instanceof PdfReadError)) throw error;
    throw new PdfSignatureError(`The file is not a PDF this service can sign (${error.message})`);
  }
}

/** The object a reference (or a direct object) stands for, if it is a dictionary. */
function dictOf(document: PdfFile, object: PdfObject | undefined, what: string): PdfDict {
  const found = document.lookup(object);
  if (!(found instanceof PdfDict)) throw new PdfSignatureError(`The PDF's ${what} is not a dictionary`);
  return found;
}

function arrayOf(document: PdfFile, object: PdfObject | undefined, what: string): PdfObject[] {
  const found = document.lookup(object);
  if (!Array.isArray(found)) throw new PdfSignatureError(`The PDF's ${what} is not an array`);
  return found;
}

function prepare(original: Uint8Array, options: PrepareOptions): PreparedPdf {
  const document = readPdf(original);
  const prev = lastStartXref(original);
  const trailer = document.trailer;
  const encrypt = trailer.get('Encrypt');
  if (encrypt !== undefined && encrypt !== null) {
    throw new PdfSignatureError('Encrypted PDFs cannot be signed here');
  }
  const catalogRef = trailer.get('Root');
  if (!(catalogRef instanceof PdfRef)) throw new PdfSignatureError('The PDF has no catalog reference');
  const catalog = dictOf(document, catalogRef, 'catalog');
  const pages = pagesOf(document, catalog);
  if (pages.length === 0) throw new PdfSignatureError('The PDF has no pages');
  const pageIndex = options.stamp?.page ?? pages.length - 1;
  const page = pages[pageIndex];
  if (!page) throw new PdfSignatureError(`The PDF has no page ${pageIndex + 1}`);

  // New objects are numbered from the last trailer's /Size on (or past any number in use).
  let nextNumber = document.size;
  const added = new Map<number, [PdfRef, PdfObject]>();
  const register = (object: PdfObject): PdfRef => {
    const ref = new PdfRef(nextNumber++, 0);
    added.set(ref.num, [ref, object]);
    return ref;
  };
  // Changed objects are written again whole, under their own numbers.
  const touch = (ref: PdfRef) => added.set(ref.num, [ref, document.lookup(ref) ?? null]);
  touch(catalogRef);
  touch(page.ref);

  // AcroForm (inline in the catalog or an indirect object) with SigFlags 3 and the new field.
  let acroForm: PdfDict;
  const acroFormEntry = catalog.get('AcroForm');
  if (acroFormEntry instanceof PdfRef) {
    acroForm = dictOf(document, acroFormEntry, 'AcroForm');
    touch(acroFormEntry);
  } else if (acroFormEntry instanceof PdfDict) {
    acroForm = acroFormEntry;
  } else {
    acroForm = new PdfDict();
    catalog.set('AcroForm', acroForm);
  }
  acroForm.set('SigFlags', 3);
  let fields: PdfObject[];
  const fieldsEntry = acroForm.get('Fields');
  if (fieldsEntry instanceof PdfRef) {
    fields = arrayOf(document, fieldsEntry, 'AcroForm /Fields');
    touch(fieldsEntry);
  } else if (Array.isArray(fieldsEntry)) {
    fields = fieldsEntry;
  } else {
    fields = [];
    acroForm.set('Fields', fields);
  }
  const existingNames = new Set(
    fields
      .map((field) => document.lookup(field))
      .filter((field) => field instanceof PdfDict)
      .map((field) => field.get('T'))
      .map((name) => (name instanceof PdfString ? name.text() : '')),
  );
  let fieldName = options.fieldName ?? `Signature${existingNames.size + 1}`;
  for (let n = existingNames.size + 2; existingNames.has(fieldName); n++) fieldName = `Signature${n}`;

  const sigRef = new PdfRef(nextNumber++, 0);
  const widget = PdfDict.of({
    Type: new PdfName('Annot'),
    Subtype: new PdfName('Widget'),
    FT: new PdfName('Sig'),
    T: PdfString.of(fieldName),
    V: sigRef,
    P: page.ref,
    F: 132,
  });
  const widgetRef = register(widget);
  let rect: readonly [number, number, number, number] = [0, 0, 0, 0];
  if (options.stamp) {
    const width = pageWidth(document, page.node);
    const lines = options.stamp.lines.map(foldToAscii);
    const fontSize = 8;
    const boxWidth = Math.max(120, ...lines.map((line) => line.length * fontSize * 0.5 + 8));
    const boxHeight = lines.length * (fontSize + 2) + 8;
    rect = options.stamp.rect ?? [width - boxWidth - 36, 36, boxWidth, boxHeight];
    const [, , w, h] = rect;
    const font = register(
      PdfDict.of({
        Type: new PdfName('Font'),
        Subtype: new PdfName('Type1'),
        BaseFont: new PdfName('Helvetica'),
        Encoding: new PdfName('WinAnsiEncoding'),
      }),
    );
    const text = lines
      .map(
        (line, index) =>
          `1 0 0 1 4 ${h - 4 - (index + 1) * (fontSize + 2) + 2} Tm (${escapeLiteral(line)}) Tj`,
      )
      .join('\n');
    const content = `q 0.8 0 0 RG 1 w 0.5 0.5 ${w - 1} ${h - 1} re S Q\nBT 0.8 0 0 rg /F1 ${fontSize} Tf\n${text}\nET`;
    const appearance = register(
      new PdfStream(
        PdfDict.of({
          Type: new PdfName('XObject'),
          Subtype: new PdfName('Form'),
          BBox: [0, 0, w, h],
          Resources: PdfDict.of({ Font: PdfDict.of({ F1: font }) }),
        }),
        Buffer.from(content, 'latin1'),
      ),
    );
    widget.set('AP', PdfDict.of({ N: appearance }));
  }
  widget.set('Rect', [rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]]);
  fields.push(widgetRef);

  const annots = page.node.get('Annots');
  if (annots instanceof PdfRef) {
    arrayOf(document, annots, 'page /Annots').push(widgetRef);
    touch(annots);
  } else if (Array.isArray(annots)) {
    annots.push(widgetRef);
  } else {
    page.node.set('Annots', [widgetRef]);
  }

  const written: [PdfRef, Uint8Array][] = [...added.values()].map(([ref, object]) => [
    ref,
    serializeIndirect(ref, object),
  ]);
  written.push([
    sigRef,
    Buffer.from(`${sigRef.num} 0 obj\n${signatureDictionary(options)}\nendobj\n`, 'latin1'),
  ]);
  written.sort((a, b) => a[0].num - b[0].num);

  const head = original[original.length - 1] === 0x0a ? new Uint8Array(0) : Buffer.from('\n', 'latin1');
  const chunks: Uint8Array[] = [original, head];
  let offset = original.length + head.length;
  const offsets = new Map<number, [number, number]>();
  for (const [ref, bytes] of written) {
    offsets.set(ref.num, [offset, ref.gen]);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const xrefOffset = offset;
  const numbers = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    xref += `${numbers[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const [at, generation] = offsets.get(numbers[k]!)!;
      xref += `${String(at).padStart(10, '0')} ${String(generation).padStart(5, '0')} n\r\n`;
    }
    i = j + 1;
  }
  const trailerEntries = [`/Size ${nextNumber}`, `/Root ${catalogRef}`, `/Prev ${prev}`];
  for (const key of ['Info', 'ID']) {
    const value = trailer.get(key);
    if (value !== undefined) trailerEntries.push(`/${key} ${serialize(value)}`);
  }
  xref += `trailer\n<< ${trailerEntries.join(' ')} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  chunks.push(Buffer.from(xref, 'latin1'));
  const pdf = new Uint8Array(Buffer.concat(chunks));

  return { pdf, ...placeholderOf(pdf, offsets.get(sigRef.num)![0]) };
}

export interface FoundSignature {
  readonly byteRange: readonly [number, number, number, number];
  /** The CMS (DER, padding removed); empty when /Contents is not where the ByteRange says. */
  readonly cms: Uint8Array;
  readonly signingTime?: Date;
  readonly subFilter?: string;
}

/**
 * Every signature dictionary in the file, from its /ByteRange. Read from the raw bytes (as most
 * validators do) so that earlier revisions' signatures are found too.
 */
export function findSignatures(pdf: Uint8Array): FoundSignature[] {
  const text = latin1(pdf);
  const found: FoundSignature[] = [];
  const pattern = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const byteRange = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])] as const;
    const objectStart = text.lastIndexOf(' obj', match.index);
    const objectEnd = text.indexOf('endobj', match.index);
    const dictionary = text.slice(objectStart, objectEnd === -1 ? undefined : objectEnd);
    const dictionaryOutsideContents = dictionary.replace(/\/Contents\s*<[0-9A-Fa-f\s]*>/, '');
    const m = /\/M\s*\((D:[^)]*)\)/.exec(dictionaryOutsideContents);
    const subFilter = /\/SubFilter\s*\/([A-Za-z0-9.#_-]+)/.exec(dictionaryOutsideContents)?.[1];
    const [, start, end] = byteRange;
    let cms = new Uint8Array(0);
    if (
      byteRange[0] === 0 &&
      end <= pdf.length &&
      start < end &&
      pdf[start] === 0x3c &&
      pdf[end - 1] === 0x3e
    ) {
      const hex = text.slice(start + 1, end - 1).replace(/\s/g, '');
      if (/^[0-9A-Fa-f]*$/.test(hex)) {
        const bytes = new Uint8Array(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
        const length = derLength(bytes);
        cms = length > 0 && length <= bytes.length ? bytes.subarray(0, length) : bytes;
      }
    }
    const signingTime = m ? parsePdfDate(m[1]!) : undefined;
    found.push({
      byteRange,
      cms,
      ...(signingTime ? { signingTime } : {}),
      ...(subFilter ? { subFilter } : {}),
    });
  }
  return found;
}
