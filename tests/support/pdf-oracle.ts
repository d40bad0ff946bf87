/**
 * pdf-lib, which read PDFs for the PAdES update before shared/pdf/reader.ts, kept for tests only as
 * the oracle the reader must agree with (tests/unit/pdf-reader.test.ts), and the corpus of PDFs the
 * two are compared on: pdf-lib's own output (with and without object streams, nested page trees,
 * AcroForm and Annots inline or indirect), files assembled here in shapes pdf-lib does not write
 * (hybrid cross-references, PNG predictors, indirect /Length, several revisions), and the platform's
 * own writer. Objects are compared as plain values, so a difference shows as a readable diff.
 */
import { deflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  type PDFObject,
  PDFRawStream,
  PDFRef,
  PDFString,
  StandardFonts,
} from 'pdf-lib';
import { PdfName, type PdfObject, PdfRef, PdfStream, PdfString } from '#shared/pdf/objects.ts';
import type { PdfFile } from '#shared/pdf/reader.ts';

/** An object as a plain value: names `/x`, strings { s: hex }, references { ref: 'n g' }. */
export type Plain = null | boolean | number | string | { s: string } | { ref: string } | Plain[] | PlainDict;
export interface PlainDict {
  dict: Record<string, Plain>;
  stream?: string;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export function plainOfOracle(object: PDFObject | undefined): Plain {
  if (object === undefined || object === PDFNull) return null;
  if (object instanceof PDFBool) return object.asBoolean();
  if (object instanceof PDFNumber) return object.asNumber() || 0; // PDF has no -0
  if (object instanceof PDFName) return `/${object.decodeText()}`;
  if (object instanceof PDFString || object instanceof PDFHexString) return { s: hex(object.asBytes()) };
  if (object instanceof PDFRef) return { ref: `${object.objectNumber} ${object.generationNumber}` };
  if (object instanceof PDFArray) return object.asArray().map(plainOfOracle);
  if (object instanceof PDFRawStream) {
    return { ...(plainOfOracle(object.dict) as PlainDict), stream: hex(object.contents) };
  }
  if (object instanceof PDFDict) {
    return {
      dict: Object.fromEntries(
        [...object.entries()].map(([key, value]) => [key.decodeText(), plainOfOracle(value)]),
      ),
    };
  }
  throw new Error(`No plain form for ${object.constructor.name}`);
}

export function plainOf(object: PdfObject | undefined): Plain {
  if (object === undefined || object === null) return null;
  if (typeof object === 'boolean') return object;
  if (typeof object === 'number') return object || 0; // PDF has no -0
  if (object instanceof PdfName) return `/${object.name}`;
  if (object instanceof PdfString) return { s: hex(object.bytes) };
  if (object instanceof PdfRef) return { ref: `${object.num} ${object.gen}` };
  if (Array.isArray(object)) return object.map(plainOf);
  if (object instanceof PdfStream)
    return { ...(plainOf(object.dict) as PlainDict), stream: hex(object.data) };
  return { dict: Object.fromEntries([...object.entries].map(([key, value]) => [key, plainOf(value)])) };
}

const refsIn = (plain: Plain, into: string[]): string[] => {
  if (Array.isArray(plain)) for (const item of plain) refsIn(item, into);
  else if (plain && typeof plain === 'object') {
    if ('ref' in plain) into.push(plain.ref);
    else if ('dict' in plain) for (const value of Object.values(plain.dict)) refsIn(value, into);
  }
  return into;
};

/** Every object reachable from `roots`, by reference, as plain values (through `lookup`). */
export function graphOf(roots: readonly Plain[], lookup: (ref: string) => Plain): Record<string, Plain> {
  const graph: Record<string, Plain> = {};
  const queue = roots.flatMap((root) => refsIn(root, []));
  for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
    if (ref in graph) continue;
    const object = lookup(ref);
    graph[ref] = object;
    queue.push(...refsIn(object, []));
  }
  return graph;
}

/** What pdf-lib reads: the trailer entries it keeps, and the object graph from them. */
export async function oracleView(pdf: Uint8Array) {
  const { context } = await PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: true });
  const { Root, Info, ID, Encrypt } = context.trailerInfo;
  const trailer = {
    Root: plainOfOracle(Root),
    Info: plainOfOracle(Info),
    ID: plainOfOracle(ID),
    Encrypt: plainOfOracle(Encrypt),
  };
  const graph = graphOf(Object.values(trailer), (ref) => {
    const [num, gen] = ref.split(' ').map(Number) as [number, number];
    return plainOfOracle(context.lookup(PDFRef.of(num, gen)));
  });
  return { trailer, graph };
}

/** The same view of our reader's result. */
export function readerView(file: PdfFile) {
  const entry = (key: string) => plainOf(file.trailer.get(key));
  const trailer = { Root: entry('Root'), Info: entry('Info'), ID: entry('ID'), Encrypt: entry('Encrypt') };
  const graph = graphOf(Object.values(trailer), (ref) => {
    const [num, gen] = ref.split(' ').map(Number) as [number, number];
    return plainOf(file.lookup(new PdfRef(num, gen)));
  });
  return { trailer, graph };
}

// --- The corpus ---------------------------------------------------------------------------------

export interface FormShape {
  readonly acroForm: 'none' | 'inline' | 'indirect';
  readonly fields: 'inline' | 'indirect';
  readonly annots: 'none' | 'inline' | 'indirect';
}

/**
 * A pdf-lib document with a nested page tree (MediaBox inherited at two levels, and set on a page),
 * text with an awkward string, an Info dictionary, and an existing text field in an AcroForm and the
 * last page's /Annots as `shape` says.
 */
export async function treePdf(options: { useObjectStreams: boolean; form: FormShape }): Promise<Uint8Array> {
  const document = await PDFDocument.create({ updateMetadata: false });
  document.setTitle('Tờ trình (bản 2) \\ thử');
  const font = await document.embedFont(StandardFonts.Helvetica);
  const { context } = document;
  const root = context.nextRef();
  const middle = context.nextRef();
  const page = (parent: PDFRef, box?: number[]) => {
    const content = context.register(context.flateStream(`BT /F1 12 Tf 72 700 Td (${'Trang'}) Tj ET`));
    return context.register(
      context.obj({
        Type: 'Page',
        Parent: parent,
        Contents: content,
        Resources: { Font: { F1: font.ref } },
        ...(box ? { MediaBox: box } : {}),
      }),
    );
  };
  const pages = [page(root, [0, 0, 595, 842]), page(middle), page(middle, [10, 0, 310, 500]), page(root)];
  context.assign(
    middle,
    context.obj({
      Type: 'Pages',
      Parent: root,
      Kids: [pages[1]!, pages[2]!],
      Count: 2,
      MediaBox: [0, 0, 420, 595],
    }),
  );
  context.assign(
    root,
    context.obj({
      Type: 'Pages',
      Kids: [pages[0]!, middle, pages[3]!],
      Count: 4,
      MediaBox: [0, 0, 612, 792],
    }),
  );
  document.catalog.set(PDFName.of('Pages'), root);

  const last = pages[3]!;
  const field = context.register(
    context.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Tx',
      T: PDFHexString.fromText('Ý kiến'),
      P: last,
      Rect: [72, 72, 272, 92],
      V: PDFString.of('a (b) \\ c'),
    }),
  );
  const { form } = options;
  if (form.acroForm !== 'none') {
    const fields = context.obj([field]);
    const acroForm = context.obj({
      Fields: form.fields === 'indirect' ? context.register(fields) : fields,
      DA: PDFString.of('/Helv 0 Tf 0 g'),
    });
    document.catalog.set(
      PDFName.of('AcroForm'),
      form.acroForm === 'indirect' ? context.register(acroForm) : acroForm,
    );
  }
  if (form.annots !== 'none') {
    const annots = context.obj([field]);
    context
      .lookup(last, PDFDict)
      .set(PDFName.of('Annots'), form.annots === 'indirect' ? context.register(annots) : annots);
  }
  return document.save({ useObjectStreams: options.useObjectStreams, addDefaultPage: false });
}

export interface AssembleOptions {
  /** The objects by number (bodies in PDF syntax; a stream's dictionary is written without /Length). */
  readonly objects: Readonly<Record<number, string | { dict: string; data: Uint8Array }>>;
  /** Numbers to put in object streams. */
  readonly compressed?: readonly number[];
  /** How many object streams they are spread over (pdfTeX writes several); 1 by default. */
  readonly objectStreams?: number;
  /** The cross-reference stream's rows through PNG predictors (each row another); true by default. */
  readonly predictor?: boolean;
  /** A hybrid file's table leaves the compressed objects out (Word does), not free. */
  readonly hybridGaps?: boolean;
  /** How the cross-reference is written. */
  readonly xref: 'table' | 'stream' | 'hybrid';
  /** Trailer entries besides /Size and /Prev (e.g. `/Root 1 0 R`). */
  readonly trailer: string;
  /** Each stream's /Length as an object of its own. */
  readonly indirectLength?: boolean;
  /** The file this section updates (its startxref becomes /Prev). */
  readonly previous?: Uint8Array;
}

/**
 * A PDF (or one more revision of one) assembled from object bodies, in shapes pdf-lib does not write:
 * a cross-reference stream with a PNG Up predictor, a hybrid file (a table for old readers, /XRefStm
 * for the objects in the object stream, which the table leaves free), indirect /Length.
 */
export function assemblePdf(options: AssembleOptions): Uint8Array {
  const chunks: Buffer[] = [];
  const start = options.previous
    ? Buffer.from(options.previous)
    : Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  chunks.push(start);
  let offset = start.length;
  if (options.previous && start[start.length - 1] !== 0x0a) {
    chunks.push(Buffer.from('\n'));
    offset++;
  }
  const plain = new Map<number, number>();
  const inStream = new Map<number, [number, number]>();
  const numbers = Object.keys(options.objects).map(Number);
  let next = Math.max(...numbers) + 1;
  const write = (num: number, body: string | Buffer) => {
    plain.set(num, offset);
    const bytes = Buffer.concat([
      Buffer.from(`${num} 0 obj\n`),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n'),
    ]);
    chunks.push(bytes);
    offset += bytes.length;
  };
  const stream = (dict: string, data: Uint8Array): Buffer => {
    let length = String(data.length);
    if (options.indirectLength) {
      const lengthRef = next++;
      write(lengthRef, length);
      length = `${lengthRef} 0 R`;
    }
    return Buffer.concat([
      Buffer.from(`<< ${dict} /Length ${length} >>\nstream\n`),
      data,
      Buffer.from('\nendstream'),
    ]);
  };
  const compressed = new Set(options.compressed ?? []);
  for (const num of numbers) {
    const body = options.objects[num]!;
    if (compressed.has(num)) continue;
    write(num, typeof body === 'string' ? body : stream(body.dict, body.data));
  }
  const groups = options.objectStreams ?? 1;
  for (let group = 0; group < groups; group++) {
    const members = [...compressed].filter((_, i) => i % groups === group);
    if (members.length === 0) continue;
    const streamNum = next++;
    let header = '';
    let data = '';
    members.forEach((num, index) => {
      header += `${num} ${data.length} `;
      data += `${options.objects[num] as string}\n`;
      inStream.set(num, [streamNum, index]);
    });
    const body = deflateSync(Buffer.from(header + data, 'latin1'));
    write(
      streamNum,
      stream(`/Type /ObjStm /N ${members.length} /First ${header.length} /Filter /FlateDecode`, body),
    );
  }
  const prev = options.previous
    ? /startxref\s+(\d+)\s+%%EOF\s*$/.exec(Buffer.from(options.previous).toString('latin1'))?.[1]
    : undefined;
  const prevEntry = prev ? ` /Prev ${prev}` : '';

  const xrefStream = (extra: string): number => {
    const num = next++;
    const rows: number[][] = [];
    const at = offset;
    const entries = new Map<number, number[]>([[num, [1, at, 0]]]);
    for (const [n, o] of plain) entries.set(n, [1, o, 0]);
    for (const [n, [s, i]] of inStream) entries.set(n, [2, s, i]);
    const sorted = [...entries.keys()].sort((a, b) => a - b);
    const index: number[] = [];
    for (const n of sorted) {
      if (index.length && index[index.length - 2]! + index[index.length - 1]! === n)
        index[index.length - 1]!++;
      else index.push(n, 1);
      const [type, a, b] = entries.get(n)!;
      rows.push([type!, (a! >> 16) & 0xff, (a! >> 8) & 0xff, a! & 0xff, b! & 0xff]);
    }
    const predictor = options.predictor ?? true;
    const data = deflateSync(Uint8Array.from(predictor ? pngRows(rows) : rows.flat()));
    const parms = predictor ? '/DecodeParms << /Predictor 12 /Columns 5 >>' : '';
    const dict = `/Type /XRef /W [1 3 1] /Index [${index.join(' ')}] /Size ${Math.max(next, ...sorted.map((n) => n + 1))} /Filter /FlateDecode ${parms} ${extra}`;
    const body = Buffer.concat([
      Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`),
      data,
      Buffer.from('\nendstream'),
    ]);
    write(num, body);
    return at;
  };

  let startxref: number;
  if (options.xref === 'stream') {
    startxref = xrefStream(`${options.trailer}${prevEntry}`);
  } else {
    const hybridAt = options.xref === 'hybrid' ? xrefStream('') : undefined;
    startxref = offset;
    const all = new Map<number, string>();
    for (const [n, o] of plain) all.set(n, `${String(o).padStart(10, '0')} 00000 n\r\n`);
    if (!options.hybridGaps) for (const n of inStream.keys()) all.set(n, '0000000000 00001 f\r\n');
    if (!options.previous) all.set(0, '0000000000 65535 f\r\n');
    let table = 'xref\n';
    const sorted = [...all.keys()].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      table += `${sorted[i]} ${j - i + 1}\n${sorted
        .slice(i, j + 1)
        .map((n) => all.get(n))
        .join('')}`;
      i = j + 1;
    }
    const size = Math.max(next, ...sorted.map((n) => n + 1));
    table += `trailer\n<< /Size ${size} ${options.trailer}${prevEntry}${hybridAt === undefined ? '' : ` /XRefStm ${hybridAt}`} >>\n`;
    chunks.push(Buffer.from(table, 'latin1'));
    offset += table.length;
  }
  chunks.push(Buffer.from(`startxref\n${startxref}\n%%EOF\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

/** Rows of bytes through the PNG filters (§7.4.4.4), row r through filter r % 5: None, Sub, Up, Average, Paeth. */
function pngRows(rows: readonly number[][]): number[] {
  return rows.flatMap((row, r) => {
    const above = rows[r - 1];
    const filter = r % 5;
    return [
      filter,
      ...row.map((value, i) => {
        const left = i > 0 ? row[i - 1]! : 0;
        const up = above?.[i] ?? 0;
        const upLeft = i > 0 ? (above?.[i - 1] ?? 0) : 0;
        const p = left + up - upLeft;
        const paeth =
          Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft)
            ? left
            : Math.abs(p - up) <= Math.abs(p - upLeft)
              ? up
              : upLeft;
        const predicted = [0, left, up, (left + up) >> 1, paeth][filter]!;
        return (value - predicted) & 0xff;
      }),
    ];
  });
}

/**
 * A small document's objects for assemblePdf: catalog 1, pages 2, two pages, content 5, font, info 7.
 * The content has `endstream` in it unless `plainContent` (pdf-lib finds an indirect /Length's end so).
 */
export function smallDocument(
  plainContent = false,
): Record<number, string | { dict: string; data: Uint8Array }> {
  return {
    1: '<< /Type /Catalog /Pages 2 0 R >>',
    2: '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595.5 842] >>',
    3: '<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>',
    4: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Annots [] >>',
    5: {
      dict: '',
      data: Buffer.from(
        `BT /F1 12 Tf 72 700 Td (Trang \\(1\\)) Tj ET${plainContent ? '' : '\nendstream in the text'}`,
      ),
    },
    6: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Name#20With#23Escapes /A#2FB >>',
    7: '<< /Title (T\\366 tr\\354nh \\(2\\)\\\n continued) /Producer <FEFF0054> /Nested [[[1 -2.5 .5 +3]]] /Flags [true false null] >>',
  };
}
