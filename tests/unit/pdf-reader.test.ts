/**
 * The PDF reader (shared/pdf/reader.ts) and object model (shared/pdf/objects.ts) that replaced
 * pdf-lib for the PAdES update, compared with pdf-lib as the oracle (tests/support/pdf-oracle.ts):
 * - on a corpus of PDFs (pdf-lib's with and without object streams, nested page trees with inherited
 *   MediaBox, AcroForm and Annots inline and indirect, the platform's writer, files signed once and
 *   twice, hybrid cross-references, PNG predictors, indirect /Length, a broken startxref): the same
 *   trailer (Root, Info, ID, Encrypt), the same object graph from it, and what pades.ts takes from
 *   it (the pages in order, their widths, the field names, the annotations);
 * - serialisation: any object written and read back is the same object, for us and for pdf-lib;
 * - hostile input: a /Prev loop, a self-referencing /Length, deep nesting, a decompression bomb, an
 *   object stream inside itself, and fast-check mutations of valid files; preparePdf either signs or
 *   throws PdfSignatureError, in bounded time.
 */
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PDFArray, PDFDocument, PDFName, PDFRef } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PdfDict,
  PdfName,
  type PdfObject,
  PdfRef,
  PdfStream,
  PdfString,
  serialize,
} from '#shared/pdf/objects.ts';
import { pagesOf, pageWidth } from '#shared/pdf/pages.ts';
import { LIMITS, PdfReadError, readPdf } from '#shared/pdf/reader.ts';
import { PdfDocument as PdfWriter } from '#shared/pdf/writer.ts';
import { embedCms, PdfSignatureError, preparePdf } from '#shared/signing/pades.ts';
import {
  assemblePdf,
  type FormShape,
  oracleView,
  plainOf,
  plainOfOracle,
  readerView,
  smallDocument,
  treePdf,
} from '#tests/support/pdf-oracle.ts';
import { samplePdf } from '#tests/support/signing.ts';

const OPTIONS = { reason: 'Phê duyệt', signingTime: new Date('2026-11-22T03:00:00Z') };
/** A stand-in CMS: the reader never looks inside /Contents. */
const CMS = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]);

async function signed(pdf: Uint8Array, times: number, stamp = true): Promise<Uint8Array> {
  let current = pdf;
  for (let i = 0; i < times; i++) {
    const prepared = await preparePdf(current, {
      ...OPTIONS,
      ...(stamp ? { stamp: { lines: ['Ký bởi: Nguyễn Văn Đức'] } } : {}),
    });
    current = embedCms(prepared.pdf, prepared.byteRange, CMS);
  }
  return current;
}

const withStartxref = (pdf: Uint8Array, shift: number): Uint8Array => {
  const text = Buffer.from(pdf).toString('latin1');
  const at = text.lastIndexOf('startxref');
  return new Uint8Array(
    Buffer.from(
      text.slice(0, at) + text.slice(at).replace(/\d+/, (n) => String(Number(n) + shift)),
      'latin1',
    ),
  );
};

const FORMS: Record<string, FormShape> = {
  'no AcroForm, no Annots': { acroForm: 'none', fields: 'inline', annots: 'none' },
  'AcroForm and Fields inline, Annots inline': { acroForm: 'inline', fields: 'inline', annots: 'inline' },
  'AcroForm indirect, Fields indirect, Annots indirect': {
    acroForm: 'indirect',
    fields: 'indirect',
    annots: 'indirect',
  },
  'AcroForm inline, Fields indirect, Annots indirect': {
    acroForm: 'inline',
    fields: 'indirect',
    annots: 'indirect',
  },
};

/** The corpus: each PDF by name. */
async function corpus(): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const useObjectStreams of [true, false]) {
    const streams = useObjectStreams ? 'object streams' : 'classic';
    files[`pdf-lib sample (${streams})`] = await samplePdf('Quyết định', { useObjectStreams });
    for (const [name, form] of Object.entries(FORMS)) {
      files[`page tree, ${name} (${streams})`] = await treePdf({ useObjectStreams, form });
    }
    files[`signed once (${streams})`] = await signed(files[`pdf-lib sample (${streams})`]!, 1);
    files[`signed twice, forms indirect (${streams})`] = await signed(
      files[`page tree, AcroForm indirect, Fields indirect, Annots indirect (${streams})`]!,
      2,
    );
  }
  const writer = new PdfWriter({ title: 'Biên lai (thử)' });
  writer.addPage(595, 842).line({ from: [36, 790], to: [559, 790] });
  writer.addPage(300, 400);
  files['our writer'] = writer.save().pdf;
  files['our writer with a signature field'] = writer.save({ signatureField: OPTIONS }).pdf;
  const compressed = [1, 2, 3, 4, 6, 7];
  const trailer = '/Root 1 0 R /Info 7 0 R /ID [<0a0b> <0c0d>]';
  files['assembled, table'] = assemblePdf({ objects: smallDocument(), xref: 'table', trailer });
  files['assembled, xref stream with predictor'] = assemblePdf({
    objects: smallDocument(),
    compressed,
    xref: 'stream',
    trailer,
  });
  files['assembled like pdfTeX: three object streams, an xref stream without predictor'] = assemblePdf({
    objects: smallDocument(),
    compressed,
    objectStreams: 3,
    predictor: false,
    xref: 'stream',
    trailer,
  });
  files['assembled, hybrid, the compressed objects left out of the table'] = assemblePdf({
    objects: smallDocument(),
    compressed,
    xref: 'hybrid',
    hybridGaps: true,
    trailer,
  });
  files['assembled, hybrid'] = assemblePdf({ objects: smallDocument(), compressed, xref: 'hybrid', trailer });
  files['assembled, indirect /Length'] = assemblePdf({
    objects: smallDocument(true),
    compressed: [2, 3],
    xref: 'stream',
    trailer,
    indirectLength: true,
  });
  files['assembled, hybrid, then a table revision changing the catalog and a page'] = assemblePdf({
    previous: files['assembled, hybrid'],
    objects: {
      1: '<< /Type /Catalog /Pages 2 0 R /Lang (vi) >>',
      4: '<< /Type /Page /Parent 2 0 R /Rotate 90 >>',
    },
    xref: 'table',
    trailer,
  });
  files['assembled, then an xref stream revision'] = assemblePdf({
    previous: files['assembled, table'],
    objects: { 1: '<< /Type /Catalog /Pages 2 0 R /Lang (en) >>', 8: '(new)' },
    compressed: [1],
    xref: 'stream',
    trailer,
  });
  files['hybrid, signed'] = await signed(files['assembled, hybrid']!, 1);
  files['broken startxref (object streams)'] = withStartxref(files['pdf-lib sample (object streams)']!, 7);
  files['broken startxref (classic)'] = withStartxref(
    files['page tree, AcroForm indirect, Fields indirect, Annots indirect (classic)']!,
    -3,
  );
  files['no startxref'] = files['our writer']!.subarray(
    0,
    Buffer.from(files['our writer']!).lastIndexOf('startxref'),
  );
  return files;
}

let files: Record<string, Uint8Array>;
beforeAll(async () => {
  files = await corpus();
});

/** What pades.ts takes from a file, read by pdf-lib. */
async function oracleUse(pdf: Uint8Array) {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  const pages = document.getPages();
  const acroForm = document.catalog.lookup(PDFName.of('AcroForm'));
  return {
    pages: pages.map((page) => `${page.ref.objectNumber} ${page.ref.generationNumber}`),
    widths: pages.map((page) => page.getWidth()),
    fields: acroForm
      ? document
          .getForm()
          .getFields()
          .map((field) => field.getName())
      : [],
    annots: pages.map((page) =>
      (page.node.lookupMaybe(PDFName.of('Annots'), PDFArray)?.asArray() ?? []).map((ref) =>
        ref instanceof PDFRef ? `${ref.objectNumber} ${ref.generationNumber}` : '',
      ),
    ),
  };
}

function readerUse(pdf: Uint8Array) {
  const file = readPdf(pdf);
  const catalog = file.lookup(file.trailer.get('Root')) as PdfDict;
  const pages = pagesOf(file, catalog);
  const acroForm = file.lookup(catalog.get('AcroForm'));
  const fields = acroForm instanceof PdfDict ? (file.lookup(acroForm.get('Fields')) as PdfObject[]) : [];
  return {
    pages: pages.map(({ ref }) => `${ref.num} ${ref.gen}`),
    widths: pages.map(({ node }) => pageWidth(file, node)),
    fields: fields.map((field) => ((file.lookup(field) as PdfDict).get('T') as PdfString).text()),
    annots: pages.map(({ node }) =>
      ((file.lookup(node.get('Annots')) as PdfObject[] | undefined) ?? []).map((ref) =>
        ref instanceof PdfRef ? `${ref.num} ${ref.gen}` : '',
      ),
    ),
  };
}

describe('the reader, against pdf-lib', () => {
  it('has a corpus of every shape', () => {
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(25);
  });

  it('reads the same trailer and object graph from every file of the corpus', async () => {
    for (const [name, pdf] of Object.entries(files)) {
      const file = readPdf(pdf);
      // Only the files made broken are read by scanning: the others through their cross-references.
      expect(file.rebuilt, name).toBe(/startxref/.test(name));
      const ours = readerView(file);
      expect(ours, name).toEqual(await oracleView(pdf));
      expect(Object.keys(ours.graph).length, name).toBeGreaterThan(4);
    }
  });

  it('finds the same pages, widths, fields and annotations', async () => {
    for (const [name, pdf] of Object.entries(files)) {
      expect(readerUse(pdf), name).toEqual(await oracleUse(pdf));
    }
    expect(
      readerUse(files['page tree, AcroForm indirect, Fields indirect, Annots indirect (classic)']!).widths,
    ).toEqual([595, 420, 300, 612]);
    expect(readerUse(files['signed twice, forms indirect (object streams)']!).fields).toEqual([
      'Ý kiến',
      'Signature2',
      'Signature3',
    ]);
  });

  it('reads the newest revision, and the trailer /Size past every object', () => {
    const file = readPdf(files['assembled, then an xref stream revision']!);
    expect(plainOf(file.lookup(new PdfRef(1, 0)))).toMatchObject({
      dict: { Lang: { s: Buffer.from('en').toString('hex') } },
    });
    expect(plainOf(file.lookup(new PdfRef(8, 0)))).toEqual(plainOf(PdfString.of('new')));
    expect(file.size).toBeGreaterThan(Math.max(...file.objectNumbers()));
  });
});

// --- Serialisation ----------------------------------------------------------------------------

const byte = fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code));
const awkwardName = fc.oneof(
  fc.string({ unit: byte, maxLength: 12 }),
  fc.constantFrom('', '#', 'A#20B', '/', '()<>[]{}%', 'Tiếng'.normalize('NFC').replace(/[^\0-\xff]/g, '?')),
);
const number = fc.oneof(
  fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
  fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => n / 1000),
  fc
    .double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })
    .filter((n) => n === 0 || Math.abs(n) > 1e-6),
);
const { object: anyObject } = fc.letrec<{ object: PdfObject; dict: PdfDict }>((tie) => ({
  object: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    awkwardName.map((name) => new PdfName(name)),
    fc.tuple(fc.uint8Array({ maxLength: 24 }), fc.boolean()).map(([bytes, hex]) => new PdfString(bytes, hex)),
    fc
      .tuple(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 0, max: 9 }))
      .map(([n, g]) => new PdfRef(n, g)),
    fc.array(tie('object'), { maxLength: 5 }),
    tie('dict'),
  ),
  dict: fc
    .array(fc.tuple(awkwardName, tie('object')), { maxLength: 5 })
    .map((entries) => PdfDict.of(Object.fromEntries(entries))),
}));

/** A file whose object 1 is `object` and object 2 a stream of `data` with `dict`. */
const fileOf = (object: PdfObject, dict: PdfDict, data: Uint8Array) =>
  assemblePdf({
    objects: {
      1: serialize(object),
      2: serialize(new PdfStream(dict, data)),
      3: '<< /Type /Catalog >>',
    },
    xref: 'table',
    trailer: '/Root 3 0 R',
  });

describe('serialisation', () => {
  it('reads back what it writes, as pdf-lib does (objects, awkward names and strings, streams)', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyObject,
        anyObject.filter((o) => o instanceof PdfDict) as fc.Arbitrary<PdfDict>,
        fc.uint8Array({ maxLength: 64 }),
        async (object, dict, data) => {
          const file = readPdf(fileOf(object, dict, data));
          expect(plainOf(file.lookup(new PdfRef(1, 0)))).toEqual(plainOf(object));
          const stream = file.lookup(new PdfRef(2, 0)) as PdfStream;
          expect(Buffer.from(stream.data).equals(Buffer.from(data))).toBe(true);
          dict.set('Length', data.length);
          expect(plainOf(stream.dict)).toEqual(plainOf(dict));
          const pdf = fileOf(object, dict, data);
          const { context } = await PDFDocument.load(pdf, { updateMetadata: false });
          expect(plainOfOracle(context.lookup(PDFRef.of(1)))).toEqual(plainOf(object));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes numbers without exponents and strings with their bytes', () => {
    expect(serialize([1e21, -1e-7, 0.5, -0, 2 ** 70])).toBe(
      '[1000000000000000000000 -0.0000001 0.5 0 1180591620717411303424]',
    );
    expect(serialize(new PdfString(Buffer.from('a\r\n(b)\\\xff', 'latin1')))).toBe(
      '(a\\015\\012\\(b\\)\\\\\\377)',
    );
    expect(serialize(new PdfName('A B#/é'))).toBe('/A#20B#23#2F#E9');
    expect(() => serialize(Number.NaN)).toThrow(RangeError);
  });
});

// --- Hostile input ----------------------------------------------------------------------------

/** preparePdf either signs or refuses with PdfSignatureError, in bounded time. */
async function signsOrRefuses(pdf: Uint8Array, budgetMs = 3000): Promise<'signed' | 'refused'> {
  const started = performance.now();
  try {
    await preparePdf(pdf, OPTIONS);
    return 'signed';
  } catch (error) {
    if (!(error instanceof PdfSignatureError)) throw error;
    return 'refused';
  } finally {
    expect(performance.now() - started).toBeLessThan(budgetMs);
  }
}

/** A file with a hand-written xref stream (uncompressed, /W [1 2 1]) giving `rows` for objects 0…. */
function rawXrefStream(
  objects: string[],
  rows: (offsets: number[]) => number[][],
  trailer: string,
): Uint8Array {
  let text = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(text.length);
    text += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = text.length;
  const data = Buffer.from(
    rows([...offsets, xrefAt]).flatMap(([type, a, b]) => [type!, a! >> 8, a! & 0xff, b!]),
  );
  const num = objects.length + 1;
  text += `${num} 0 obj\n<< /Type /XRef /W [1 2 1] /Index [1 ${num}] /Size ${num + 1} ${trailer} /Length ${data.length} >>\nstream\n${data.toString('latin1')}\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

describe('hostile input', () => {
  const trailer = '/Root 1 0 R';

  it('leaves a /Prev loop and reads the file by scanning it', async () => {
    const pdf = Buffer.from(files['assembled, table']!).toString('latin1');
    const startxref = /startxref\n(\d+)/.exec(pdf)![1];
    const looped = new Uint8Array(
      Buffer.from(pdf.replace('trailer\n<< ', `trailer\n<< /Prev ${startxref} `), 'latin1'),
    );
    expect(readPdf(looped).rebuilt).toBe(true);
    expect(readerView(readPdf(looped))).toEqual(readerView(readPdf(files['assembled, table']!)));
    expect(await signsOrRefuses(looped)).toBe('signed');
  });

  it('finds a stream whose /Length refers to itself by its endstream', () => {
    const pdf = assemblePdf({
      objects: { ...smallDocument(true), 5: '<< /Length 5 0 R >>\nstream\nBT ET\nendstream' },
      xref: 'table',
      trailer,
    });
    expect((readPdf(pdf).lookup(new PdfRef(5, 0)) as PdfStream).data).toEqual(
      new Uint8Array(Buffer.from('BT ET')),
    );
  });

  it('refuses numbers a PDF may not hold, and references past the safe integers', async () => {
    const withBox = (box: string, extra = '') =>
      assemblePdf({
        objects: {
          ...smallDocument(),
          2: `<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [${box}]${extra} >>`,
        },
        xref: 'table',
        trailer,
      });
    // A CI run's splice made a 309-digit width, which became Infinity in the signature's /Rect.
    for (const box of [
      `0 0 3${'0'.repeat(309)} 400`,
      `0 0 35${'0'.repeat(37)}.5 400`,
      `-${'9'.repeat(39)} 0 0 400`,
    ]) {
      expect(() => readPdf(withBox(box)).lookup(new PdfRef(2, 0))).toThrow(/Number out of range/);
      expect(await signsOrRefuses(withBox(box))).toBe('refused');
    }
    // The largest boxes allowed still sign: their width (6.8e38) is finite.
    expect(await signsOrRefuses(withBox(`-34${'0'.repeat(37)} 0 34${'0'.repeat(37)} 400`))).toBe('signed');
    const farRef = withBox('0 0 595 842', ` /Far ${'9'.repeat(17)} 0 R`);
    expect(() => readPdf(farRef).lookup(new PdfRef(2, 0))).toThrow(/Reference out of range/);
    expect(await signsOrRefuses(farRef)).toBe('refused');
    // A cross-reference subsection numbered past the safe integers is broken: the file is scanned.
    const table = Buffer.from(files['assembled, table']!).toString('latin1');
    const farSection = new Uint8Array(
      Buffer.from(table.replace('xref\n0 ', `xref\n${'9'.repeat(20)} 1\n0000000000 65535 f\r\n0 `), 'latin1'),
    );
    expect(readPdf(farSection).rebuilt).toBe(true);
    expect(readPdf(farSection).size).toBe(readPdf(files['assembled, table']!).size);
    expect(await signsOrRefuses(farSection)).toBe('signed');
  });

  it('refuses arrays nested past the limit, and a deep page tree costs no stack', async () => {
    const deep = assemblePdf({
      objects: { ...smallDocument(), 1: `<< /Type /Catalog /Pages 2 0 R /Deep ${'['.repeat(100_000)} >>` },
      xref: 'table',
      trailer,
    });
    expect(() => readPdf(deep).lookup(new PdfRef(1, 0))).toThrow(PdfReadError);
    expect(await signsOrRefuses(deep)).toBe('refused');
    const objects: Record<number, string> = { 1: '<< /Type /Catalog /Pages 2 0 R >>' };
    for (let n = 2; n < 20_000; n++) objects[n] = `<< /Type /Pages /Kids [${n + 1} 0 R] /Count 1 >>`;
    objects[20_000] = '<< /Type /Page /MediaBox [0 0 100 100] >>';
    expect(await signsOrRefuses(assemblePdf({ objects, xref: 'table', trailer }))).toBe('signed');
  });

  it('stops inflating a decompression bomb at the limit', async () => {
    const bomb = deflateSync(Buffer.alloc(64 << 20));
    const pdf = assemblePdf({
      objects: {
        ...smallDocument(),
        8: `<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>`,
      },
      xref: 'table',
      trailer,
    });
    // Object 8 becomes an object stream holding the catalog.
    const text = Buffer.from(pdf)
      .toString('latin1')
      .replace(/(8 0 obj\n<<[^>]*>>)/, `$1\nstream\n${bomb.toString('latin1')}\nendstream`);
    const withBomb = new Uint8Array(Buffer.from(text, 'latin1'));
    const file = readPdf(withBomb);
    expect(file.lookup(new PdfRef(8, 0))).toBeInstanceOf(PdfStream);
    const small = readPdf(withBomb, { ...LIMITS, inflated: 1 << 20 });
    expect(small.size).toBeGreaterThan(8);
    const xref = rawXrefStream(
      [
        '<< /Type /Catalog /Pages 3 0 R >>',
        `<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n${bomb.toString('latin1')}\nendstream`,
        '<< /Type /Pages /Kids [] /Count 0 >>',
      ],
      (at) => [
        [2, 2, 0],
        [1, at[1]!, 0],
        [1, at[2]!, 0],
        [1, at[3]!, 0],
      ],
      trailer,
    );
    expect(() => readPdf(xref).lookup(new PdfRef(1, 0))).toThrow(/inflate/);
    expect(await signsOrRefuses(xref)).toBe('refused');
  });

  it('refuses an object stream that holds itself', async () => {
    const pdf = rawXrefStream(
      [
        '<< /Type /Catalog /Pages 3 0 R >>',
        '<< /Type /Pages /Kids [] /Count 0 >>',
        '<< /Type /Pages /Kids [] /Count 0 >>',
      ],
      (at) => [
        [2, 2, 0],
        [2, 2, 1],
        [1, at[2]!, 0],
        [1, at[3]!, 0],
      ],
      trailer,
    );
    expect(() => readPdf(pdf).lookup(new PdfRef(1, 0))).toThrow(/not a plain object/);
    expect(await signsOrRefuses(pdf)).toBe('refused');
  });

  it('refuses a page tree that loops, and an encrypted file', async () => {
    const loop = assemblePdf({
      objects: { 1: '<< /Type /Catalog /Pages 2 0 R >>', 2: '<< /Type /Pages /Kids [2 0 R] /Count 1 >>' },
      xref: 'table',
      trailer,
    });
    await expect(preparePdf(loop, OPTIONS)).rejects.toThrow(/no pages/);
    const encrypted = assemblePdf({
      objects: smallDocument(),
      xref: 'table',
      trailer: `${trailer} /Encrypt << /Filter /Standard >>`,
    });
    await expect(preparePdf(encrypted, OPTIONS)).rejects.toThrow(/Encrypted/);
  });

  it('signs or refuses mutated files (flips, truncations, splices), never anything else', async () => {
    const originals = [
      files['pdf-lib sample (object streams)']!,
      files['pdf-lib sample (classic)']!,
      files['assembled, hybrid']!,
      files['signed once (object streams)']!,
      files['our writer with a signature field']!,
    ];
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
        // Half the flips in the last 600 bytes, where the cross-reference and trailer are.
        nearTheEnd: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('splice' as const),
        from: fc.nat(),
        to: fc.nat(),
        length: fc.nat({ max: 400 }),
      }),
    );
    const outcomes = { signed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: originals.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (which, mutations) => {
          let pdf = Buffer.from(originals[which]!);
          for (const m of mutations) {
            if (m.kind === 'flip') {
              pdf = Buffer.from(pdf);
              pdf[m.nearTheEnd ? Math.max(0, pdf.length - 1 - (m.at % 600)) : m.at % pdf.length] = m.value;
            } else if (m.kind === 'truncate') pdf = pdf.subarray(0, m.at % pdf.length);
            else {
              const from = m.from % Math.max(1, pdf.length);
              const to = m.to % Math.max(1, pdf.length);
              pdf = Buffer.concat([
                pdf.subarray(0, to),
                pdf.subarray(from, from + m.length),
                pdf.subarray(to),
              ]);
            }
          }
          outcomes[await signsOrRefuses(new Uint8Array(pdf))]++;
        },
      ),
      { numRuns: 600 },
    );
    expect(outcomes.signed).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
