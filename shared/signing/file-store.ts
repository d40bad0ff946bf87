/**
 * The files the signatures domain reads and writes in the files bucket: the bytes of a confirmed
 * file, a prepared PDF waiting for its signature, and a signed file stored as a new confirmed file
 * record (the same item shape as shared/files, so GET /v1/files/{id} and its download serve it).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FileRecord } from '../files/file.ts';
import { ENTITY_FILE, fileKey, incomingKeyOf, objectKeyOf } from '../files/keys.ts';
import { requireStoredFile, type StoredFile } from '../files/repository.ts';
import { ConflictError, HttpProblem } from '../http/errors.ts';
import { s3Client } from '../platform/aws-clients.ts';
import type { DomainWrite } from '../platform/change.ts';
import { ENV, requireEnv } from '../platform/env.ts';
import { tableName } from '../platform/table.ts';

const bucket = (): string => requireEnv(ENV.filesBucket);

/** Largest file the API signs or verifies from storage (Lambda memory, not S3, is the limit). */
export const MAX_SIGNED_FILE_BYTES = 50 * 1024 * 1024;

export async function readObject(key: string): Promise<Uint8Array> {
  return new Uint8Array(await s3Client().getObjectBytes(bucket(), key));
}

export async function writeObject(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
  await s3Client().putObject(bucket(), key, bytes, {
    contentType,
    checksumSha256: createHash('sha256').update(bytes).digest('base64'),
  });
}

export async function removeObject(key: string): Promise<void> {
  await s3Client().deleteObject(bucket(), key);
}

/** A confirmed file's record and bytes. */
export async function readConfirmedFile(id: string): Promise<{ stored: StoredFile; bytes: Uint8Array }> {
  const stored = await requireStoredFile(id);
  if (stored.file.status !== 'confirmed') {
    throw new ConflictError(
      `File ${id} is ${stored.file.status}; only confirmed files can be signed or verified`,
    );
  }
  if (stored.file.size > MAX_SIGNED_FILE_BYTES) {
    throw new HttpProblem(
      'payload-too-large',
      `Files above ${MAX_SIGNED_FILE_BYTES / 1024 / 1024} MiB are not signed here`,
    );
  }
  return { stored, bytes: await readObject(stored.objectKey) };
}

/** Writes the signed bytes and answers the new file's record with the item to commit. */
export async function storeSignedFile(input: {
  readonly source: FileRecord;
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly fileName: string;
  readonly ownerSub: string;
  readonly at: Date;
}): Promise<{ file: FileRecord; write: DomainWrite }> {
  const id = randomUUID();
  const at = input.at.toISOString();
  const objectKey = objectKeyOf(input.source.agencyCode, input.at, id);
  await writeObject(objectKey, input.bytes, input.contentType);
  const file: FileRecord = {
    id,
    purpose: input.source.purpose,
    fileName: input.fileName,
    contentType: input.contentType,
    size: input.bytes.length,
    sha256: createHash('sha256').update(input.bytes).digest('base64'),
    agencyCode: input.source.agencyCode,
    ownerSub: input.ownerSub,
    status: 'confirmed',
    confirmedAt: at,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return {
    file,
    write: {
      item: {
        Put: {
          TableName: tableName(),
          Item: {
            ...fileKey(id),
            entityType: ENTITY_FILE,
            ...file,
            incomingKey: incomingKeyOf(input.source.agencyCode, input.at, id),
            objectKey,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    },
  };
}

/** `name.pdf` → `name.signed.pdf`. */
export const signedFileName = (name: string, extension = 'pdf'): string => {
  const base = name.replace(/\.(pdf)$/i, '').replace(/\.signed$/i, '');
  return `${base}.signed.${extension}`;
};
