/**
 * Real bytes of every accepted file type, built in memory for the file tests: a 1×1 PNG, a JPEG
 * header, a one-page PDF, ZIP packages (docx, xlsx, odt) written entry by entry, and XML.
 */
import { createHash } from 'node:crypto';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

export const sha256Base64 = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('base64');

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1×1 grey PNG. */
export function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0x80]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The start of a JFIF JPEG (enough for a signature check) followed by filler. */
export function jpeg(size = 2000): Buffer {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0', 'latin1')]);
  return Buffer.concat([
    head,
    Buffer.alloc(Math.max(0, size - head.length - 2), 0x11),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A one-page PDF with a text line (padding makes it `size` bytes when given). */
export function pdf(text = 'Đơn đề nghị', padding = 0): Buffer {
  const body = [
    '%PDF-1.7',
    '%\u00e2\u00e3\u00cf\u00d3',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj',
    `% ${text}`,
    `%${'x'.repeat(padding)}`,
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n');
  return Buffer.from(body, 'utf8');
}

export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer | string;
  /** Store uncompressed (ODF's mimetype entry must be). */
  readonly store?: boolean;
}

/** A ZIP archive; `comment` goes after the end-of-central-directory record. */
export function zip(entries: readonly ZipEntry[], comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    const compressed = entry.store ? data : deflateRawSync(data);
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(data);
    const method = entry.store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const commentBytes = Buffer.from(comment, 'latin1');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(commentBytes.length, 20);
  return Buffer.concat([...locals, directory, end, commentBytes]);
}

const contentTypes = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/${main}" ContentType="application/xml"/></Types>`;

/**
 * A minimal Word package. `filler` adds a large entry before the main part, so the part that
 * identifies the package is far from the start (only the central directory names it early).
 */
export function docx(filler = 0): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: contentTypes('word/document.xml') },
    { name: '_rels/.rels', data: '<Relationships/>' },
    ...(filler ? [{ name: 'docProps/thumbnail.bin', data: Buffer.alloc(filler, 7), store: true }] : []),
    { name: 'word/document.xml', data: '<w:document><w:body><w:p>Quyết định</w:p></w:body></w:document>' },
  ]);
}

export function xlsx(): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: contentTypes('xl/workbook.xml') },
    { name: '_rels/.rels', data: '<Relationships/>' },
    { name: 'xl/workbook.xml', data: '<workbook/>' },
  ]);
}

export function odt(mimetype = 'application/vnd.oasis.opendocument.text'): Buffer {
  return zip([
    { name: 'mimetype', data: mimetype, store: true },
    { name: 'META-INF/manifest.xml', data: '<manifest/>' },
    { name: 'content.xml', data: '<office:document-content/>' },
  ]);
}

export function xml(): Buffer {
  return Buffer.from(
    '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<edXML:edXMLEnvelope xmlns:edXML="http://www.e-doc.vn/Schema/">Công văn</edXML:edXMLEnvelope>\n',
    'utf8',
  );
}
