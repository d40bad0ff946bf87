/**
 * Use case: confirm an upload. Checks the uploaded object against the declaration — size (HEAD),
 * type (magic bytes from a ranged GET; for OOXML the ZIP central directory), SHA-256 (streamed over
 * the whole object) — then either copies it to its permanent key and marks the file `confirmed`
 * (event FileConfirmed), or marks it `rejected` with the reason and deletes the upload.
 *
 * Idempotent: a settled file is returned as it is, so confirming twice answers the same.
 */

import type { AccessTarget } from '../http/auth.ts';
import { ConflictError } from '../http/errors.ts';
import type { ChangeContext } from '../platform/change.ts';
import { logger } from '../platform/observability.ts';
import { accessTargetOf, type FileRecord, type RejectionReason } from './file.ts';
import {
  FileAlreadySettled,
  markConfirmed,
  markRejected,
  requireStoredFile,
  type StoredFile,
} from './repository.ts';
import {
  checkArchiveEntries,
  checkHead,
  HEAD_BYTES,
  isKnownContentType,
  needsArchiveEntries,
} from './rules.ts';
import {
  copyVerified,
  deleteObject,
  digestObject,
  headObject,
  isMissingObject,
  isPreconditionFailed,
  type ObjectVersion,
  readRange,
} from './storage.ts';
import {
  centralDirectoryNames,
  type Located,
  locateCentralDirectory,
  ZIP_TAIL_BYTES,
} from './zip-directory.ts';

type Verdict =
  | { readonly kind: 'missing' }
  | { readonly kind: 'accepted'; readonly version: ObjectVersion }
  | { readonly kind: 'rejected'; readonly reason: RejectionReason; readonly detail: string };

const reject = (reason: RejectionReason, detail: string): Verdict => ({ kind: 'rejected', reason, detail });

/** Entry names of a ZIP object, from its central directory (reusing `head` when it holds the whole object). */
async function archiveEntries(
  key: string,
  version: ObjectVersion,
  size: number,
  head: Uint8Array,
): Promise<Located<string[]>> {
  const tailLength = Math.min(size, ZIP_TAIL_BYTES);
  const tail = head.length >= size ? head : await readRange(key, version, size - tailLength, size - 1);
  const location = locateCentralDirectory(tail, size);
  if (!location.ok) return { ok: false, detail: `The content is not a valid package: ${location.detail}` };
  const { offset, size: directorySize, entries } = location.value;
  const tailStart = size - tail.length;
  const directory =
    offset >= tailStart
      ? tail.subarray(offset - tailStart, offset - tailStart + directorySize)
      : await readRange(key, version, offset, offset + directorySize - 1);
  const names = centralDirectoryNames(directory, entries);
  if (!names.ok) return { ok: false, detail: `The content is not a valid package: ${names.detail}` };
  return names;
}

async function inspect({ file, incomingKey: key }: StoredFile): Promise<Verdict> {
  const object = await headObject(key);
  if (!object) return { kind: 'missing' };
  if (object.size !== file.size) {
    return reject('size-mismatch', `The upload has ${object.size} bytes; ${file.size} were declared`);
  }
  if (object.sha256 !== undefined && object.sha256 !== file.sha256) {
    return reject('checksum-mismatch', 'The SHA-256 of the upload differs from the declared one');
  }
  const { contentType } = file;
  if (!isKnownContentType(contentType)) return reject('type-mismatch', `${contentType} is not accepted`);

  const head = await readRange(key, object, 0, Math.min(file.size, HEAD_BYTES) - 1);
  const headCheck = checkHead(contentType, head);
  if (!headCheck.ok) return reject('type-mismatch', headCheck.detail);
  if (needsArchiveEntries(contentType)) {
    const archive = await archiveEntries(key, object, file.size, head);
    if (!archive.ok) return reject('type-mismatch', archive.detail);
    const entriesCheck = checkArchiveEntries(contentType, archive.value);
    if (!entriesCheck.ok) return reject('type-mismatch', entriesCheck.detail);
  }

  const digest = await digestObject(key, object);
  if (digest.size !== file.size) {
    return reject('size-mismatch', `The upload has ${digest.size} bytes; ${file.size} were declared`);
  }
  if (digest.sha256 !== file.sha256) {
    return reject(
      'checksum-mismatch',
      `The SHA-256 of the upload is ${digest.sha256}; ${file.sha256} was declared`,
    );
  }
  return { kind: 'accepted', version: object };
}

/** The upload is no longer needed; a failure only leaves it to the `incoming/` lifecycle rule. */
async function discardUpload(key: string): Promise<void> {
  try {
    await deleteObject(key);
  } catch (error) {
    logger.warn('could not delete an upload; the incoming/ lifecycle rule will', {
      key,
      error: error as Error,
    });
  }
}

export async function confirmUpload(
  id: string,
  caller: { readonly authorize: (target: AccessTarget) => Promise<void>; readonly change: ChangeContext },
): Promise<FileRecord> {
  const stored = await requireStoredFile(id, true);
  await caller.authorize(accessTargetOf(stored.file));
  if (stored.file.status !== 'pending') return stored.file;

  try {
    const expired = Date.now() > Date.parse(stored.file.confirmBy ?? stored.file.createdAt);
    const verdict = expired
      ? reject('expired', `The file was not confirmed by ${stored.file.confirmBy}; request a new upload`)
      : await inspect(stored);

    if (verdict.kind === 'missing') {
      // Another confirmation may have finished (and deleted the upload) since we read the record.
      const current = await requireStoredFile(id, true);
      if (current.file.status !== 'pending') return current.file;
      throw new ConflictError('Nothing was uploaded for this file yet: upload the bytes, then confirm', {
        status: 'pending',
      });
    }
    if (verdict.kind === 'accepted') {
      await copyVerified(stored.incomingKey, stored.objectKey, verdict.version);
      const confirmed = await markConfirmed(stored, caller.change);
      await discardUpload(stored.incomingKey);
      return confirmed.file;
    }
    const rejected = await markRejected(
      stored,
      { reason: verdict.reason, detail: verdict.detail },
      caller.change,
    );
    await discardUpload(stored.incomingKey);
    return rejected.file;
  } catch (error) {
    if (error instanceof FileAlreadySettled) return (await requireStoredFile(id, true)).file;
    if (isMissingObject(error) || isPreconditionFailed(error)) {
      // The upload vanished or changed under us: usually a concurrent confirmation settled the file.
      const current = await requireStoredFile(id, true);
      if (current.file.status !== 'pending') return current.file;
      throw new ConflictError('The upload changed while it was being checked; confirm again');
    }
    throw error;
  }
}
