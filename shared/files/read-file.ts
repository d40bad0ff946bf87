/** Use cases: read a file's record, and get a short-lived link to download a confirmed file. */
import type { AccessTarget } from '../http/auth.ts';
import { ConflictError } from '../http/errors.ts';
import { accessTargetOf, type DownloadLink, type FileRecord } from './file.ts';
import { requireStoredFile } from './repository.ts';
import { contentDisposition, DOWNLOAD_URL_TTL_SECONDS } from './rules.ts';
import { presignDownload } from './storage.ts';

type Authorize = (target: AccessTarget) => Promise<void>;

export async function readFile(id: string, authorize: Authorize): Promise<FileRecord> {
  const { file } = await requireStoredFile(id);
  await authorize(accessTargetOf(file));
  return file;
}

/** Only confirmed files are served: a pending upload has not been checked, a rejected one is gone. */
export async function downloadLink(id: string, authorize: Authorize): Promise<DownloadLink> {
  const { file, objectKey } = await requireStoredFile(id);
  await authorize(accessTargetOf(file));
  if (file.status !== 'confirmed') {
    throw new ConflictError(`The file is ${file.status}; only confirmed files can be downloaded`, {
      status: file.status,
    });
  }
  const expiresAt = new Date(Date.now() + DOWNLOAD_URL_TTL_SECONDS * 1000).toISOString();
  const url = await presignDownload(
    objectKey,
    { contentType: file.contentType, contentDisposition: contentDisposition(file.fileName) },
    DOWNLOAD_URL_TTL_SECONDS,
  );
  return { url, expiresAt };
}
