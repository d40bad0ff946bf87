/**
 * PAdES signatures in a PDF (ISO 32000-1 §12.8, ETSI EN 319 142-1 baseline B), always as an
 * incremental update: the original bytes stay as they are, and a new section appends the signature
 * dictionary, its widget, the changed page and catalog, an xref section and a trailer with /Prev.
 * So every earlier signature (whose ByteRange covers an earlier revision) stays valid.
 *
 * pdf-lib only reads the document (catalog, page, AcroForm) and serialises the few objects this
 * update adds or changes; it never rewrites the file (its `save` would, and break earlier signatures).
 *
 * Two steps, so the signature value can be made elsewhere (two-phase signing):
 * `preparePdf` → the PDF with a zero-filled /Contents and the ByteRange digest;
 * `embedCms` → the same bytes with the CMS in /Contents.
 */
import { escapeLiteral, latin1, parsePdfDate } from '../pdf/syntax.ts';
import { derLength } from './cms.ts';
import {
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFRef,
  PDFString,
  pagesOf,
  pageWidth,
  parsePdf,
} from './pdf-core.ts';
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

function serialize(ref: PDFRef, object: PDFObject): Uint8Array {
  const body = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(body, 0);
  return Buffer.concat([
    Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`, 'latin1'),
    body,
    Buffer.from('\nendobj\n', 'latin1'),
  ]);
}

/** Adds an empty signature field, the signature dictionary with a zero /Contents, and computes the digest. */
export async function preparePdf(original: Uint8Array, options: PrepareOptions): Promise<PreparedPdf> {
  let context: Awaited<ReturnType<typeof parsePdf>>;
  try {
    context = await parsePdf(original);
  } catch (error) {
    throw new PdfSignatureError(
      `The file is not a PDF this service can sign (${error instanceof Error ? error.message : 'unreadable'})`,
    );
  }
  const prev = lastStartXref(original);
  // New objects are numbered from the last trailer's /Size on: pdf-lib does not count objects it
  // drops on load (the xref stream itself), and reusing such a number would shadow it.
  const sizeMatch = /\/Size\s+(\d+)/.exec(
    latin1(original.subarray(prev, Math.min(original.length, prev + 4096))),
  );
  context.largestObjectNumber = Math.max(context.largestObjectNumber, Number(sizeMatch?.[1] ?? 0) - 1);
  const originalLargest = context.largestObjectNumber;
  const trailer = context.trailerInfo;
  if (trailer.Encrypt) throw new PdfSignatureError('Encrypted PDFs cannot be signed here');
  const catalogRef = trailer.Root;
  if (!(catalogRef instanceof PDFRef)) throw new PdfSignatureError('The PDF has no catalog reference');
  const catalog = context.lookup(catalogRef);
  if (!(catalog instanceof PDFDict)) throw new PdfSignatureError('The PDF has no catalog');
  const pages = pagesOf(context, catalog);
  if (pages.length === 0) throw new PdfSignatureError('The PDF has no pages');
  const pageIndex = options.stamp?.page ?? pages.length - 1;
  const page = pages[pageIndex];
  if (!page) throw new PdfSignatureError(`The PDF has no page ${pageIndex + 1}`);

  const changed = new Map<string, [PDFRef, PDFObject]>();
  const touch = (ref: PDFRef) => changed.set(ref.tag, [ref, context.lookup(ref)!]);
  touch(catalogRef);
  touch(page.ref);

  // AcroForm (inline in the catalog or an indirect object) with SigFlags 3 and the new field.
  let acroForm: PDFDict;
  const acroFormEntry = catalog.get(PDFName.of('AcroForm'));
  if (acroFormEntry instanceof PDFRef) {
    acroForm = context.lookup(acroFormEntry, PDFDict);
    touch(acroFormEntry);
  } else if (acroFormEntry instanceof PDFDict) {
    acroForm = acroFormEntry;
  } else {
    acroForm = context.obj({});
    catalog.set(PDFName.of('AcroForm'), acroForm);
  }
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  let fields: PDFArray;
  const fieldsEntry = acroForm.get(PDFName.of('Fields'));
  if (fieldsEntry instanceof PDFRef) {
    fields = context.lookup(fieldsEntry, PDFArray);
    touch(fieldsEntry);
  } else if (fieldsEntry instanceof PDFArray) {
    fields = fieldsEntry;
  } else {
    fields = context.obj([]);
    acroForm.set(PDFName.of('Fields'), fields);
  }
  const existingNames = new Set(
    fields
      .asArray()
      .map((field) => context.lookup(field))
      .filter((field): field is PDFDict => field instanceof PDFDict)
      .map((field) => field.get(PDFName.of('T')))
      .map((name) => (name instanceof PDFString || name instanceof PDFHexString ? name.decodeText() : '')),
  );
  let fieldName = options.fieldName ?? `Signature${existingNames.size + 1}`;
  for (let n = existingNames.size + 2; existingNames.has(fieldName); n++) fieldName = `Signature${n}`;

  const sigRef = context.nextRef();
  const widgetRef = context.nextRef();
  let rect: readonly [number, number, number, number] = [0, 0, 0, 0];
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: PDFString.of(fieldName),
    V: sigRef,
    P: page.ref,
    F: 132,
  });
  if (options.stamp) {
    const width = pageWidth(context, page.node);
    const lines = options.stamp.lines.map(foldToAscii);
    const fontSize = 8;
    const boxWidth = Math.max(120, ...lines.map((line) => line.length * fontSize * 0.5 + 8));
    const boxHeight = lines.length * (fontSize + 2) + 8;
    rect = options.stamp.rect ?? [width - boxWidth - 36, 36, boxWidth, boxHeight];
    const [, , w, h] = rect;
    const font = context.register(
      context.obj({ Type: 'Font', Subtype: 'Type1', BaseFont: 'Helvetica', Encoding: 'WinAnsiEncoding' }),
    );
    const text = lines
      .map(
        (line, index) =>
          `1 0 0 1 4 ${h - 4 - (index + 1) * (fontSize + 2) + 2} Tm (${escapeLiteral(line)}) Tj`,
      )
      .join('\n');
    const content = `q 0.8 0 0 RG 1 w 0.5 0.5 ${w - 1} ${h - 1} re S Q\nBT 0.8 0 0 rg /F1 ${fontSize} Tf\n${text}\nET`;
    const appearance = context.register(
      context.stream(content, {
        Type: 'XObject',
        Subtype: 'Form',
        BBox: [0, 0, w, h],
        Resources: { Font: { F1: font } },
      }),
    );
    widget.set(PDFName.of('AP'), context.obj({ N: appearance }));
  }
  widget.set(PDFName.of('Rect'), context.obj([rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]]));
  context.assign(widgetRef, widget);
  fields.push(widgetRef);

  const annots = page.node.get(PDFName.of('Annots'));
  if (annots instanceof PDFRef) {
    context.lookup(annots, PDFArray).push(widgetRef);
    touch(annots);
  } else if (annots instanceof PDFArray) {
    annots.push(widgetRef);
  } else {
    page.node.set(PDFName.of('Annots'), context.obj([widgetRef]));
  }

  const sigDictionary = `${sigRef.objectNumber} 0 obj\n${signatureDictionary(options)}\nendobj\n`;

  // The new objects: everything numbered after the original's largest object, plus the changed ones.
  const added: [PDFRef, Uint8Array][] = [];
  for (const [ref, object] of context.enumerateIndirectObjects()) {
    if (changed.has(ref.tag) || ref.objectNumber > originalLargest) added.push([ref, serialize(ref, object)]);
  }
  added.push([sigRef, Buffer.from(sigDictionary, 'latin1')]);
  added.sort((a, b) => a[0].objectNumber - b[0].objectNumber);

  const head = original[original.length - 1] === 0x0a ? new Uint8Array(0) : Buffer.from('\n', 'latin1');
  const chunks: Uint8Array[] = [original, head];
  let offset = original.length + head.length;
  const offsets = new Map<number, [number, number]>();
  for (const [ref, bytes] of added) {
    offsets.set(ref.objectNumber, [offset, ref.generationNumber]);
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
  const size = Math.max(context.largestObjectNumber, ...numbers) + 1;
  const trailerEntries = [`/Size ${size}`, `/Root ${catalogRef.toString()}`, `/Prev ${prev}`];
  if (trailer.Info) trailerEntries.push(`/Info ${trailer.Info.toString()}`);
  if (trailer.ID) trailerEntries.push(`/ID ${trailer.ID.toString()}`);
  xref += `trailer\n<< ${trailerEntries.join(' ')} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  chunks.push(Buffer.from(xref, 'latin1'));
  const pdf = new Uint8Array(Buffer.concat(chunks));

  return { pdf, ...placeholderOf(pdf, offsets.get(sigRef.objectNumber)![0]) };
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
