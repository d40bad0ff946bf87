/**
 * Persistence of file records in the main table (keys: ./keys.ts). Every change goes through
 * commitChange, audited in the chain of the file's agency: the request of an upload, its
 * confirmation (with the FileConfirmed event) and its rejection.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { FileConfirmedV1 } from '#events/files/file-confirmed.v1.ts';
import { ConflictError, NotFoundError } from '../http/errors.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type Change, type ChangeContext, commitChange } from '../platform/change.ts';
import { nowIso, tableName } from '../platform/table.ts';
import type { FileRecord, RejectionReason } from './file.ts';
import { ENTITY_FILE, fileKey } from './keys.ts';
import { REJECTED_RETENTION_SECONDS } from './rules.ts';

/** A file record with where its bytes are. */
export interface StoredFile {
  readonly file: FileRecord;
  /** Where the upload lands (under `incoming/`). */
  readonly incomingKey: string;
  /** Where the confirmed file lives. */
  readonly objectKey: string;
}

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

function toItem({ file, incomingKey, objectKey }: StoredFile, expiresAt: number | undefined) {
  return {
    ...fileKey(file.id),
    entityType: ENTITY_FILE,
    ...file,
    incomingKey,
    objectKey,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

function toStoredFile(item: Record<string, unknown>): StoredFile {
  const f = item as FileRecord & { incomingKey: string; objectKey: string };
  const file: FileRecord = {
    id: f.id,
    purpose: f.purpose,
    fileName: f.fileName,
    contentType: f.contentType,
    size: f.size,
    sha256: f.sha256,
    agencyCode: f.agencyCode,
    ownerSub: f.ownerSub,
    status: f.status,
    ...(f.confirmBy ? { confirmBy: f.confirmBy } : {}),
    ...(f.confirmedAt ? { confirmedAt: f.confirmedAt } : {}),
    ...(f.rejection ? { rejection: f.rejection } : {}),
    version: f.version,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
  return { file, incomingKey: f.incomingKey, objectKey: f.objectKey };
}

export async function getStoredFile(id: string, consistent = false): Promise<StoredFile | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: fileKey(id), ConsistentRead: consistent }),
  );
  return Item ? toStoredFile(Item) : undefined;
}

export async function requireStoredFile(id: string, consistent = false): Promise<StoredFile> {
  const stored = await getStoredFile(id, consistent);
  if (!stored) throw new NotFoundError(`File ${id} does not exist`);
  return stored;
}

/** Records a pending file; it expires (TTL) at the end of its confirmation window. */
export async function createPendingFile(stored: StoredFile, context: ChangeContext): Promise<void> {
  const { file } = stored;
  await commitChange({
    context,
    agencyCode: file.agencyCode,
    action: 'file.upload-requested',
    entity: { type: ENTITY_FILE, id: file.id },
    after: file,
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: toItem(stored, epochSeconds(file.confirmBy!)),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new ConflictError(`File ${file.id} already exists`),
      },
    ],
  });
}

/** Thrown when another request settled the file first; the caller reads the outcome again. */
export class FileAlreadySettled extends Error {
  override name = 'FileAlreadySettled';
}

const pendingAtVersion = (version: number) => ({
  ConditionExpression: '#status = :pending AND #version = :version',
  ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
  ExpressionAttributeValues: { ':pending': 'pending', ':version': version },
});

/** The settled record: no confirmation deadline any more, next version. */
function settledFields(before: FileRecord, now: string) {
  const { confirmBy: _deadline, ...rest } = before;
  return { ...rest, updatedAt: now, version: before.version + 1 };
}

/** pending → confirmed or rejected, once: the write is conditional on the pending version read. */
async function settle(
  stored: StoredFile,
  context: ChangeContext,
  outcome: { file: FileRecord; action: string; expiresAt?: number; events?: Change['events'] },
): Promise<StoredFile> {
  const { file } = outcome;
  const after: StoredFile = { ...stored, file };
  await commitChange({
    context,
    agencyCode: file.agencyCode,
    action: outcome.action,
    entity: { type: ENTITY_FILE, id: file.id },
    before: stored.file,
    after: file,
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: toItem(after, outcome.expiresAt),
            ...pendingAtVersion(stored.file.version),
          },
        },
        onConditionFailed: () => new FileAlreadySettled(),
      },
    ],
    ...(outcome.events ? { events: outcome.events } : {}),
  });
  return after;
}

/** pending → confirmed: no TTL any more; emits FileConfirmed to the file's agency. */
export async function markConfirmed(stored: StoredFile, context: ChangeContext): Promise<StoredFile> {
  const now = nowIso();
  const file: FileRecord = { ...settledFields(stored.file, now), status: 'confirmed', confirmedAt: now };
  return settle(stored, context, {
    file,
    action: 'file.confirmed',
    events: [
      {
        contract: FileConfirmedV1,
        data: {
          file: {
            id: file.id,
            purpose: file.purpose,
            agencyCode: file.agencyCode,
            contentType: file.contentType,
            size: file.size,
            sha256: file.sha256,
          },
        },
        recipients: [file.agencyCode],
      },
    ],
  });
}

/** pending → rejected, with the reason; the record stays a week so a repeated confirm answers the same. */
export async function markRejected(
  stored: StoredFile,
  rejection: { reason: RejectionReason; detail: string },
  context: ChangeContext,
): Promise<StoredFile> {
  const now = nowIso();
  return settle(stored, context, {
    file: { ...settledFields(stored.file, now), status: 'rejected', rejection: { ...rejection, at: now } },
    action: 'file.rejected',
    expiresAt: epochSeconds(now) + REJECTED_RETENTION_SECONDS,
  });
}
