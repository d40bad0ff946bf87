/**
 * Files the platform itself reads or writes (not uploaded by a client): the bytes of a confirmed
 * file, and a file stored from bytes the server already verified (e.g. the attachments of an
 * imported edXML package). A server-stored file goes straight to its permanent key, `confirmed`,
 * with its record written in the caller's transaction (`write`), so it exists only if the change does.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConflictError } from '../http/errors.ts';
import { s3Client } from '../platform/aws-clients.ts';
import type { DomainWrite } from '../platform/change.ts';
import { ENV, requireEnv } from '../platform/env.ts';
import { tableName } from '../platform/table.ts';
import type { FileRecord } from './file.ts';
import { ENTITY_FILE, fileKey, incomingKeyOf, objectKeyOf } from './keys.ts';
import { requireStoredFile } from './repository.ts';
import type { FilePurpose } from './rules.ts';

const bucket = (): string => requireEnv(ENV.filesBucket);

/** The whole content of a confirmed file (for files small enough to hold in memory: ≤ 50 MiB). */
export async function readFileBytes(id: string): Promise<{ file: FileRecord; bytes: Buffer }> {
  const { file, objectKey } = await requireStoredFile(id, true);
  if (file.status !== 'confirmed') {
    throw new ConflictError(`File ${id} is ${file.status}; only confirmed files can be used`, {
      status: file.status,
    });
  }
  const bytes = await s3Client().getObjectBytes(bucket(), objectKey);
  return { file, bytes };
}

export interface ServerFile {
  readonly file: FileRecord;
  /** The file record, to commit with the change that uses the file. */
  readonly write: DomainWrite;
}

/** Stores verified bytes as a confirmed file of `agencyCode`; commit `write` to make it exist. */
export async function storeServerFile(input: {
  readonly agencyCode: string;
  readonly ownerSub: string;
  readonly purpose: FilePurpose;
  readonly fileName: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}): Promise<ServerFile> {
  const id = randomUUID();
  const created = new Date();
  const at = created.toISOString();
  const objectKey = objectKeyOf(input.agencyCode, created, id);
  const sha256 = createHash('sha256').update(input.bytes).digest('base64');
  await s3Client().putObject(bucket(), objectKey, input.bytes, {
    contentType: input.contentType,
    checksumSha256: sha256,
  });
  const file: FileRecord = {
    id,
    purpose: input.purpose,
    fileName: input.fileName,
    contentType: input.contentType,
    size: input.bytes.length,
    sha256,
    agencyCode: input.agencyCode,
    ownerSub: input.ownerSub,
    status: 'confirmed',
    confirmedAt: at,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const item = {
    ...fileKey(id),
    entityType: ENTITY_FILE,
    ...file,
    incomingKey: incomingKeyOf(input.agencyCode, created, id),
    objectKey,
  };
  return {
    file,
    write: {
      item: { Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
    },
  };
}
