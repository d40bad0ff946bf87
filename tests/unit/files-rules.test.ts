/** File rules: allow-lists and limits per purpose, magic bytes, ZIP central directories, names. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkArchiveEntries,
  checkDeclaration,
  checkHead,
  contentDisposition,
  FILE_TYPES,
  type FileContentType,
  HEAD_BYTES,
  PURPOSE_RULES,
  SHA256_BASE64_PATTERN,
} from '#shared/files/rules.ts';
import {
  centralDirectoryNames,
  locateCentralDirectory,
  ZIP_TAIL_BYTES,
} from '#shared/files/zip-directory.ts';
import { docx, jpeg, odt, pdf, png, sha256Base64, xlsx, xml, zip } from '#tests/support/file-fixtures.ts';

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ODT = 'application/vnd.oasis.opendocument.text';
const ODS = 'application/vnd.oasis.opendocument.spreadsheet';

const declaration = (fields: Partial<Parameters<typeof checkDeclaration>[0]> = {}) => ({
  purpose: 'dossier-attachment' as const,
  fileName: 'Đơn đề nghị.pdf',
  contentType: PDF,
  size: 1000,
  ...fields,
});

describe('declarations', () => {
  it('accepts an allowed type with a matching extension within the limit', () => {
    expect(checkDeclaration(declaration())).toEqual([]);
    expect(checkDeclaration(declaration({ fileName: 'ANH.JPEG', contentType: 'image/jpeg' }))).toEqual([]);
    expect(
      checkDeclaration(
        declaration({
          purpose: 'document-attachment',
          fileName: 'goi-tin.xml',
          contentType: 'application/xml',
        }),
      ),
    ).toEqual([]);
  });

  it('applies the allow-list of the purpose', () => {
    const issues = checkDeclaration(declaration({ fileName: 'goi-tin.xml', contentType: 'application/xml' }));
    expect(issues.map((i) => [i.path, i.code])).toEqual([['body.contentType', 'type_not_allowed']]);
    expect(
      checkDeclaration(declaration({ contentType: 'application/zip', fileName: 'a.zip' }))[0]?.path,
    ).toBe('body.contentType');
  });

  it('applies the size limit of the purpose', () => {
    const limit = PURPOSE_RULES['dossier-attachment'].maxBytes;
    expect(limit).toBe(20 * 1024 * 1024);
    expect(checkDeclaration(declaration({ size: limit }))).toEqual([]);
    expect(checkDeclaration(declaration({ size: limit + 1 })).map((i) => i.code)).toEqual(['too_big']);
    expect(checkDeclaration(declaration({ purpose: 'document-attachment', size: limit + 1 }))).toEqual([]);
    expect(checkDeclaration(declaration({ size: 0 })).map((i) => i.code)).toEqual(['too_small']);
  });

  it('wants a safe file name whose extension matches the type', () => {
    for (const fileName of [
      '',
      '../etc/passwd.pdf',
      'a\\b.pdf',
      'tab\t.pdf',
      ' lead.pdf',
      '..',
      `${'x'.repeat(252)}.pdfx`,
    ]) {
      expect(checkDeclaration(declaration({ fileName })).length, JSON.stringify(fileName)).toBeGreaterThan(0);
    }
    expect(checkDeclaration(declaration({ fileName: 'scan.png' })).map((i) => i.code)).toEqual([
      'extension_mismatch',
    ]);
    expect(checkDeclaration(declaration({ fileName: 'no-extension' })).map((i) => i.code)).toEqual([
      'extension_mismatch',
    ]);
  });

  it('keeps every purpose within the known types', () => {
    for (const rule of Object.values(PURPOSE_RULES)) {
      for (const type of rule.contentTypes) expect(Object.keys(FILE_TYPES)).toContain(type);
    }
    expect(PURPOSE_RULES['document-attachment'].citizensMayUpload).toBe(false);
  });
});

describe('checksums in base64', () => {
  it('matches any SHA-256 in base64 and nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (bytes) => {
        expect(SHA256_BASE64_PATTERN.test(sha256Base64(bytes))).toBe(true);
      }),
    );
    const hex = 'a'.repeat(64);
    expect(SHA256_BASE64_PATTERN.test(hex)).toBe(false);
    expect(SHA256_BASE64_PATTERN.test(`${'A'.repeat(42)}B=`)).toBe(false); // stray low bits
  });
});

describe('magic bytes', () => {
  const samples: Record<string, Buffer> = {
    [PDF]: pdf(),
    'image/png': png(),
    'image/jpeg': jpeg(),
    [DOCX]: docx(),
    [XLSX]: xlsx(),
    [ODT]: odt(),
    [ODS]: odt(ODS),
    'application/xml': xml(),
  };
  const head = (bytes: Buffer) => bytes.subarray(0, HEAD_BYTES);

  it('accepts each type’s own bytes', () => {
    for (const [type, bytes] of Object.entries(samples)) {
      expect(checkHead(type as FileContentType, head(bytes)), type).toEqual({ ok: true });
    }
  });

  it('refuses bytes of another type, saying what they look like', () => {
    const pngAsPdf = checkHead(PDF, png());
    expect(pngAsPdf).toEqual({
      ok: false,
      detail: 'The content does not match the declared type (PDF): it looks like a PNG image',
    });
    expect(checkHead('image/png', jpeg()).ok).toBe(false);
    expect(checkHead('image/jpeg', pdf()).ok).toBe(false);
    expect(checkHead(DOCX, pdf()).ok).toBe(false);
    expect(checkHead('application/xml', png()).ok).toBe(false);
    expect(checkHead('application/xml', Buffer.from('not xml at all')).ok).toBe(false);
    expect(checkHead(PDF, Buffer.alloc(0))).toEqual({
      ok: false,
      detail: 'The content does not match the declared type (PDF): the file is empty',
    });
  });

  it('tells OpenDocument types apart by their mimetype entry', () => {
    expect(checkHead(ODT, odt(ODS))).toEqual({
      ok: false,
      detail: `The content does not match the declared type (OpenDocument text (odt)): its mimetype entry says ${ODS}`,
    });
    expect(checkHead(ODT, docx()).ok).toBe(false);
  });

  it('accepts a PDF header after a little leading junk, as readers do, but not far in', () => {
    expect(checkHead(PDF, Buffer.concat([Buffer.from('\r\n\r\n'), pdf()])).ok).toBe(true);
    expect(checkHead(PDF, Buffer.concat([Buffer.alloc(2000, 0x20), pdf()])).ok).toBe(false);
  });

  it('accepts XML with or without a declaration, and refuses binary or UTF-16', () => {
    expect(checkHead('application/xml', Buffer.from('  <root/>')).ok).toBe(true);
    expect(checkHead('application/xml', Buffer.from('<!-- c --><root/>')).ok).toBe(true);
    expect(checkHead('application/xml', Buffer.from('<?xml version="1.0"?><a>\0</a>')).ok).toBe(false);
    expect(checkHead('application/xml', Buffer.from('\ufeff<a/>', 'utf16le')).ok).toBe(false);
    // A multi-byte character cut by the sampling window is fine.
    const cut = Buffer.from('<a>Công văn</a>', 'utf8');
    expect(checkHead('application/xml', cut.subarray(0, cut.indexOf(0xc3) + 1)).ok).toBe(true);
  });
});

describe('ZIP central directory', () => {
  const namesOf = (archive: Buffer, tailBytes = ZIP_TAIL_BYTES) => {
    const tail = archive.subarray(Math.max(0, archive.length - tailBytes));
    const location = locateCentralDirectory(tail, archive.length);
    if (!location.ok) return location;
    const { offset, size, entries } = location.value;
    return centralDirectoryNames(archive.subarray(offset, offset + size), entries);
  };

  it('lists the entries of a package, even when the identifying part is far from the start', () => {
    const big = docx(200_000);
    const names = namesOf(big);
    expect(names).toEqual({
      ok: true,
      value: ['[Content_Types].xml', '_rels/.rels', 'docProps/thumbnail.bin', 'word/document.xml'],
    });
    // From a short tail too: the directory sits just before the end record.
    expect(namesOf(big, 400).ok).toBe(true);
  });

  it('finds the end record behind an archive comment that contains a fake signature', () => {
    const archive = zip([{ name: 'a.txt', data: 'a' }], 'PK\u0005\u0006 not really the end');
    expect(namesOf(archive)).toEqual({ ok: true, value: ['a.txt'] });
  });

  it('refuses truncated or damaged archives', () => {
    const archive = docx();
    expect(namesOf(archive.subarray(0, archive.length - 10)).ok).toBe(false);
    const location = locateCentralDirectory(archive, archive.length);
    expect(location.ok).toBe(true);
    if (location.ok) {
      const wrongCount = centralDirectoryNames(
        archive.subarray(location.value.offset, location.value.offset + location.value.size),
        location.value.entries + 1,
      );
      expect(wrongCount).toEqual({ ok: false, detail: 'the archive directory is damaged' });
    }
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        const location = locateCentralDirectory(buffer, buffer.length);
        if (location.ok) {
          const { offset, size, entries } = location.value;
          centralDirectoryNames(buffer.subarray(offset, offset + size), entries);
        }
      }),
    );
  });

  it('tells Word from Excel from other packages by their entries', () => {
    expect(checkArchiveEntries(DOCX, ['[Content_Types].xml', 'word/document.xml'])).toEqual({ ok: true });
    expect(checkArchiveEntries(XLSX, ['[Content_Types].xml', 'xl/workbook.xml'])).toEqual({ ok: true });
    expect(checkArchiveEntries(DOCX, ['[Content_Types].xml', 'xl/workbook.xml'])).toEqual({
      ok: false,
      detail: 'The content does not match the declared type (Word document (docx)): it is an Excel workbook',
    });
    expect(checkArchiveEntries(DOCX, ['word/document.xml']).ok).toBe(false);
    expect(checkArchiveEntries(XLSX, ['[Content_Types].xml', 'ppt/presentation.xml']).ok).toBe(false);
  });
});

describe('download names', () => {
  it('keeps the exact UTF-8 name and gives an ASCII fallback', () => {
    expect(contentDisposition('Đơn đề nghị (bản sao).pdf')).toBe(
      `attachment; filename="Don de nghi _ban sao_.pdf"; filename*=UTF-8''%C4%90%C6%A1n%20%C4%91%E1%BB%81%20ngh%E1%BB%8B%20%28b%E1%BA%A3n%20sao%29.pdf`,
    );
    expect(contentDisposition('a"b.pdf')).toContain('filename="a_b.pdf"');
  });
});
