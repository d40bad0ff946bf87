/**
 * File attachments (tệp đính kèm): which files each purpose accepts, how large, and how their first
 * bytes must look. Pure functions, no AWS: request-upload.ts checks a declaration with them before
 * signing an upload, confirm-upload.ts checks the uploaded bytes with them before accepting a file.
 *
 * Checksums are SHA-256 in **base64** (44 characters, with padding): the encoding S3 uses for
 * `x-amz-checksum-sha256`, so the client sends the very value it declared and S3 verifies it.
 */
import type { FieldIssue } from '../http/errors.ts';

const MiB = 1024 * 1024;

/** How the content of a type is recognised from its bytes (see checkHead / checkArchiveEntries). */
type Signature = 'pdf' | 'png' | 'jpeg' | 'ooxml-word' | 'ooxml-sheet' | 'odf' | 'xml';

interface FileTypeRule {
  readonly label: string;
  /** Allowed file-name extensions, lowercase, without the dot. */
  readonly extensions: readonly string[];
  readonly signature: Signature;
}

/** Every content type the platform stores, with its canonical MIME type. */
export const FILE_TYPES = {
  'application/pdf': { label: 'PDF', extensions: ['pdf'], signature: 'pdf' },
  'image/jpeg': { label: 'JPEG image', extensions: ['jpg', 'jpeg'], signature: 'jpeg' },
  'image/png': { label: 'PNG image', extensions: ['png'], signature: 'png' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    label: 'Word document (docx)',
    extensions: ['docx'],
    signature: 'ooxml-word',
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    label: 'Excel workbook (xlsx)',
    extensions: ['xlsx'],
    signature: 'ooxml-sheet',
  },
  'application/vnd.oasis.opendocument.text': {
    label: 'OpenDocument text (odt)',
    extensions: ['odt'],
    signature: 'odf',
  },
  'application/vnd.oasis.opendocument.spreadsheet': {
    label: 'OpenDocument spreadsheet (ods)',
    extensions: ['ods'],
    signature: 'odf',
  },
  'application/xml': { label: 'XML (e.g. an edXML package)', extensions: ['xml'], signature: 'xml' },
} as const satisfies Record<string, FileTypeRule>;

export type FileContentType = keyof typeof FILE_TYPES;

export const isKnownContentType = (value: string): value is FileContentType =>
  Object.hasOwn(FILE_TYPES, value);

const OFFICE_TYPES = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
] as const satisfies readonly FileContentType[];

/** What a file is for; each purpose has its own allow-list and size limit. */
export const FILE_PURPOSES = ['dossier-attachment', 'document-attachment'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export interface PurposeRule {
  readonly description: string;
  readonly contentTypes: readonly FileContentType[];
  readonly maxBytes: number;
  /** Citizens may upload files of this purpose (to an agency they name); staff always may. */
  readonly citizensMayUpload: boolean;
}

export const PURPOSE_RULES: Readonly<Record<FilePurpose, PurposeRule>> = {
  'dossier-attachment': {
    description: 'A component of an administrative-procedure dossier (thành phần hồ sơ)',
    contentTypes: ['application/pdf', 'image/jpeg', 'image/png', ...OFFICE_TYPES],
    maxBytes: 20 * MiB,
    citizensMayUpload: true,
  },
  'document-attachment': {
    description: 'An official document or its annex exchanged between agencies (văn bản điện tử)',
    contentTypes: ['application/pdf', ...OFFICE_TYPES, 'application/xml', 'image/jpeg', 'image/png'],
    maxBytes: 50 * MiB,
    citizensMayUpload: false,
  },
};

/** How long a presigned upload URL is valid. */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;
/** How long a pending file may wait for its confirmation; then it expires (TTL) and cannot be confirmed. */
export const CONFIRM_WINDOW_SECONDS = 24 * 3600;
/** How long a rejected file's record stays (so a repeated confirm gets the same answer). */
export const REJECTED_RETENTION_SECONDS = 7 * 24 * 3600;
/** How long a presigned download URL is valid (S3 checks it when the download starts). */
export const DOWNLOAD_URL_TTL_SECONDS = 5 * 60;
/** Bytes read from the start of an object for the magic-byte check. */
export const HEAD_BYTES = 4096;

/** SHA-256 in standard base64 with padding: 43 characters and `=`; the last one carries 4 bits. */
export const SHA256_BASE64_PATTERN = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

const FILE_NAME_MAX = 255;
// Control characters, path separators and characters Windows refuses in names.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const FORBIDDEN_NAME_CHARACTERS = /[\u0000-\u001f\u007f/\\:*?"<>|]/;

export const extensionOf = (fileName: string): string => {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
};

export interface UploadDeclaration {
  readonly purpose: FilePurpose;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
}

/**
 * Checks what a client declares before it may upload: the type is allowed for the purpose, the
 * file name is safe and carries an extension of that type, the size is within the purpose's limit.
 * Returns every issue (paths under `body.`), empty when the declaration is acceptable.
 */
export function checkDeclaration(declaration: UploadDeclaration): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const rule = PURPOSE_RULES[declaration.purpose];
  const { fileName, contentType, size } = declaration;

  const allowed = rule.contentTypes as readonly string[];
  if (!allowed.includes(contentType)) {
    issues.push({
      path: 'body.contentType',
      message: `${declaration.purpose} accepts ${allowed.join(', ')}`,
      code: 'type_not_allowed',
    });
  }

  if (fileName.length === 0 || fileName.length > FILE_NAME_MAX) {
    issues.push({
      path: 'body.fileName',
      message: `A file name has 1 to ${FILE_NAME_MAX} characters`,
      code: 'invalid_length',
    });
  } else if (
    FORBIDDEN_NAME_CHARACTERS.test(fileName) ||
    fileName.trim() !== fileName ||
    /^\.+$/.test(fileName)
  ) {
    issues.push({
      path: 'body.fileName',
      message: 'A file name has no path, control characters or surrounding spaces',
      code: 'invalid_file_name',
    });
  } else if (isKnownContentType(contentType) && allowed.includes(contentType)) {
    const extensions: readonly string[] = FILE_TYPES[contentType].extensions;
    if (!extensions.includes(extensionOf(fileName))) {
      issues.push({
        path: 'body.fileName',
        message: `A ${FILE_TYPES[contentType].label} file name ends with .${extensions.join(' or .')}`,
        code: 'extension_mismatch',
      });
    }
  }

  if (!Number.isSafeInteger(size) || size < 1) {
    issues.push({
      path: 'body.size',
      message: 'The size is a whole number of bytes, at least 1',
      code: 'too_small',
    });
  } else if (size > rule.maxBytes) {
    issues.push({
      path: 'body.size',
      message: `${declaration.purpose} files are at most ${rule.maxBytes} bytes (${rule.maxBytes / MiB} MiB)`,
      code: 'too_big',
    });
  }
  return issues;
}

/** Outcome of a content check: the reason is shown to the uploader. */
export type ContentCheck = { readonly ok: true } | { readonly ok: false; readonly detail: string };

const OK: ContentCheck = { ok: true };
const mismatch = (contentType: FileContentType, found: string): ContentCheck => ({
  ok: false,
  detail: `The content does not match the declared type (${FILE_TYPES[contentType].label}): ${found}`,
});

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((byte, i) => bytes[at + i] === byte);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const PDF_MAGIC = ascii('%PDF-');
/** Readers accept the PDF header within the first 1024 bytes (ISO 32000-2, annex on compatibility). */
const PDF_HEADER_WINDOW = 1024;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function indexOf(bytes: Uint8Array, needle: readonly number[], limit: number): number {
  const last = Math.min(bytes.length, limit) - needle.length;
  for (let i = 0; i <= last; i += 1) if (startsWith(bytes, needle, i)) return i;
  return -1;
}

/** What the bytes look like, for a helpful rejection message. */
export function describeBytes(head: Uint8Array): string {
  if (head.length === 0) return 'the file is empty';
  if (indexOf(head, PDF_MAGIC, PDF_HEADER_WINDOW) >= 0) return 'it looks like a PDF';
  if (startsWith(head, PNG_MAGIC)) return 'it looks like a PNG image';
  if (startsWith(head, JPEG_MAGIC)) return 'it looks like a JPEG image';
  if (startsWith(head, ZIP_LOCAL_HEADER)) return 'it looks like a ZIP archive';
  if (xmlStart(head)) return 'it looks like XML';
  return 'its first bytes match no accepted type';
}

function xmlStart(head: Uint8Array): boolean {
  let i = startsWith(head, UTF8_BOM) ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0d || head[i] === 0x0a))
    i += 1;
  if (head[i] !== 0x3c) return false; // '<'
  const next = head[i + 1];
  if (next === undefined) return false;
  // `<?xml`, `<!--`, or an element name: a letter, '_', ':' or any non-ASCII (UTF-8) name character.
  return (
    startsWith(head, ascii('?xml'), i + 1) ||
    startsWith(head, ascii('!--'), i + 1) ||
    (next >= 0x41 && next <= 0x5a) ||
    (next >= 0x61 && next <= 0x7a) ||
    next === 0x5f ||
    next === 0x3a ||
    next >= 0xc2
  );
}

function isUtf8Text(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    // `stream: true` tolerates a character cut at the end of the window.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The `mimetype` entry an OpenDocument package must start with, stored uncompressed (ODF 1.2 part 3, 3.3). */
function odfMimetype(head: Uint8Array): string | undefined {
  if (!startsWith(head, ZIP_LOCAL_HEADER) || head.length < 30) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const method = view.getUint16(8, true);
  const size = view.getUint32(18, true);
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  const dataStart = 30 + nameLength + extraLength;
  if (method !== 0 || size > 128 || head.length < dataStart + size) return undefined;
  const name = new TextDecoder().decode(head.subarray(30, 30 + nameLength));
  if (name !== 'mimetype') return undefined;
  return new TextDecoder().decode(head.subarray(dataStart, dataStart + size));
}

/**
 * Checks the first bytes of an object (at least HEAD_BYTES, or the whole object when smaller)
 * against the declared type. OOXML files pass here as ZIP archives; their entries are then checked
 * with checkArchiveEntries.
 */
export function checkHead(contentType: FileContentType, head: Uint8Array): ContentCheck {
  const found = describeBytes(head);
  switch (FILE_TYPES[contentType].signature) {
    case 'pdf':
      return indexOf(head, PDF_MAGIC, PDF_HEADER_WINDOW) >= 0 ? OK : mismatch(contentType, found);
    case 'png':
      return startsWith(head, PNG_MAGIC) ? OK : mismatch(contentType, found);
    case 'jpeg':
      return startsWith(head, JPEG_MAGIC) ? OK : mismatch(contentType, found);
    case 'ooxml-word':
    case 'ooxml-sheet':
      return startsWith(head, ZIP_LOCAL_HEADER) ? OK : mismatch(contentType, found);
    case 'odf': {
      const mimetype = odfMimetype(head);
      if (mimetype === contentType) return OK;
      if (mimetype !== undefined) return mismatch(contentType, `its mimetype entry says ${mimetype}`);
      return mismatch(
        contentType,
        startsWith(head, ZIP_LOCAL_HEADER)
          ? 'it is a ZIP archive without an OpenDocument mimetype entry'
          : found,
      );
    }
    case 'xml':
      return xmlStart(head) && isUtf8Text(head)
        ? OK
        : mismatch(contentType, xmlStart(head) ? 'it is not UTF-8 text' : found);
  }
}

/** True when the type is a ZIP package whose entry names must be read (from the central directory). */
export const needsArchiveEntries = (contentType: FileContentType): boolean => {
  const signature: Signature = FILE_TYPES[contentType].signature;
  return signature === 'ooxml-word' || signature === 'ooxml-sheet';
};

/** Checks an OOXML package's entry names: `[Content_Types].xml` and the main part's folder. */
export function checkArchiveEntries(contentType: FileContentType, names: readonly string[]): ContentCheck {
  const signature: Signature = FILE_TYPES[contentType].signature;
  if (signature !== 'ooxml-word' && signature !== 'ooxml-sheet') return OK;
  if (!names.includes('[Content_Types].xml')) {
    return mismatch(contentType, 'it is a ZIP archive but not an Office Open XML package');
  }
  const folder = signature === 'ooxml-word' ? 'word/' : 'xl/';
  if (names.some((name) => name.startsWith(folder))) return OK;
  const other = names.some((name) => name.startsWith('word/'))
    ? 'it is a Word document'
    : names.some((name) => name.startsWith('xl/'))
      ? 'it is an Excel workbook'
      : names.some((name) => name.startsWith('ppt/'))
        ? 'it is a PowerPoint presentation'
        : `it is an Office Open XML package without ${folder}`;
  return mismatch(contentType, other);
}

/**
 * `Content-Disposition: attachment` for a download: an ASCII fallback for old clients and the exact
 * UTF-8 name (RFC 6266 / RFC 8187), so Vietnamese names survive: `Đơn đề nghị.pdf`.
 */
export function contentDisposition(fileName: string): string {
  const fallback =
    fileName
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^A-Za-z0-9._ -]/g, '_') || 'file';
  const encoded = encodeURIComponent(fileName).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
