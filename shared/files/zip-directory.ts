/**
 * Reading the entry names of a ZIP archive (an OOXML package) from its central directory, the
 * index at the end of every ZIP file (APPNOTE.TXT 4.3.16 and 4.3.12). The local headers at the start
 * of an archive need not name the parts that identify a package, and may omit sizes; the central
 * directory always lists every entry. Pure functions over byte ranges the caller reads.
 */

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const CENTRAL_ENTRY_SIZE = 46;

/** Bytes to read from the end of an object so the end-of-central-directory record is inside. */
export const ZIP_TAIL_BYTES = EOCD_SIZE + MAX_COMMENT;
/** Largest central directory accepted (about 10,000 entries); packages beyond are refused. */
export const MAX_CENTRAL_DIRECTORY_BYTES = 1024 * 1024;

export interface CentralDirectoryLocation {
  /** Absolute offset of the directory in the object. */
  readonly offset: number;
  readonly size: number;
  readonly entries: number;
}

export type Located<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly detail: string };

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Finds the central directory from the last bytes of an object of `objectSize` bytes (`tail` is
 * its last `tail.length` bytes). ZIP64 archives are refused: a package of at most 50 MiB never needs it.
 */
export function locateCentralDirectory(
  tail: Uint8Array,
  objectSize: number,
): Located<CentralDirectoryLocation> {
  const data = view(tail);
  const tailStart = objectSize - tail.length;
  for (let at = tail.length - EOCD_SIZE; at >= 0 && at >= tail.length - ZIP_TAIL_BYTES; at -= 1) {
    if (data.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    const commentLength = data.getUint16(at + 20, true);
    if (at + EOCD_SIZE + commentLength !== tail.length) continue; // a signature inside the comment or data
    const disk = data.getUint16(at + 4, true);
    const directoryDisk = data.getUint16(at + 6, true);
    const entries = data.getUint16(at + 10, true);
    const size = data.getUint32(at + 12, true);
    const offset = data.getUint32(at + 16, true);
    if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
      return { ok: false, detail: 'ZIP64 archives are not accepted' };
    }
    if (disk !== 0 || directoryDisk !== 0)
      return { ok: false, detail: 'multi-part archives are not accepted' };
    if (offset + size > tailStart + at) return { ok: false, detail: 'the archive directory is damaged' };
    if (size > MAX_CENTRAL_DIRECTORY_BYTES)
      return { ok: false, detail: 'the archive directory is too large' };
    return { ok: true, value: { offset, size, entries } };
  }
  return { ok: false, detail: 'it is not a complete ZIP archive (no end of central directory)' };
}

/** The entry names listed in a central directory (`directory` holds exactly its bytes). */
export function centralDirectoryNames(directory: Uint8Array, entries: number): Located<string[]> {
  const data = view(directory);
  const decoder = new TextDecoder();
  const names: string[] = [];
  let at = 0;
  for (let i = 0; i < entries; i += 1) {
    if (at + CENTRAL_ENTRY_SIZE > directory.length || data.getUint32(at, true) !== CENTRAL_ENTRY_SIGNATURE) {
      return { ok: false, detail: 'the archive directory is damaged' };
    }
    const nameLength = data.getUint16(at + 28, true);
    const extraLength = data.getUint16(at + 30, true);
    const commentLength = data.getUint16(at + 32, true);
    const end = at + CENTRAL_ENTRY_SIZE + nameLength;
    if (end > directory.length) return { ok: false, detail: 'the archive directory is damaged' };
    // Names that matter here are ASCII; UTF-8 (flag bit 11) and CP437 agree on ASCII.
    names.push(decoder.decode(directory.subarray(at + CENTRAL_ENTRY_SIZE, end)));
    at = end + extraLength + commentLength;
  }
  return { ok: true, value: names };
}
