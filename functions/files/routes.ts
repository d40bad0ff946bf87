/** HTTP operations of file attachments (handlers: ./api.ts, rules: shared/files). */
import * as z from 'zod/mini';
import {
  DownloadLink,
  FileRecord,
  fileIdSchema,
  RequestFileUpload,
  UploadTicket,
} from '#shared/files/file.ts';
import { FILE_PURPOSES, PURPOSE_RULES } from '#shared/files/rules.ts';
import { defineRoutes } from '#shared/http/route.ts';

/** Citizens reach their own files; staff their agency's (uploads) or their agency tree's (reads). */
const uploaders = {
  citizen: 'owner',
  clerk: 'agency',
  specialist: 'agency',
  leader: 'agency',
  integration: 'agency',
} as const;
const readers = {
  citizen: 'owner',
  clerk: 'agency-tree',
  specialist: 'agency-tree',
  leader: 'agency-tree',
  integration: 'agency-tree',
} as const;
const idParam = z.strictObject({ id: fileIdSchema });
const tags = ['Files'];

const limits = FILE_PURPOSES.map((purpose) => {
  const rule = PURPOSE_RULES[purpose];
  return `\`${purpose}\` (${rule.citizensMayUpload ? 'citizens and staff' : 'staff'}, at most ${rule.maxBytes / (1024 * 1024)} MiB): ${rule.contentTypes.join(', ')}`;
}).join('; ');

export const fileRoutes = defineRoutes({
  requestFileUpload: {
    method: 'POST',
    path: '/v1/files',
    summary: 'Declare a file and get a presigned URL to upload it',
    description:
      `Purposes and their limits: ${limits}. The file belongs to the caller’s agency (staff) or to the agency ` +
      'a citizen names in `agencyCode`. Upload the bytes with `upload.method` to `upload.url`, sending ' +
      '`upload.headers`; S3 accepts only the declared bytes (Content-Length and x-amz-checksum-sha256 are ' +
      'signed). Then call POST /v1/files/{id}/confirm before `file.confirmBy`.',
    tags,
    access: { roles: uploaders },
    request: { body: RequestFileUpload },
    responses: { 201: { description: 'A pending file and where to upload it', schema: UploadTicket } },
    idempotent: true,
  },
  getFile: {
    method: 'GET',
    path: '/v1/files/{id}',
    summary: 'Get a file’s record (status, type, size, checksum)',
    tags,
    access: { roles: readers, deny: 'not-found' },
    request: { params: idParam },
    responses: { 200: { description: 'The file (ETag = version)', schema: FileRecord } },
  },
  confirmFileUpload: {
    method: 'POST',
    path: '/v1/files/{id}/confirm',
    summary: 'Check the uploaded bytes and accept or reject the file',
    description:
      'Checks the size, the type (magic bytes) and the SHA-256 of the upload. Answers the file: `confirmed`, ' +
      'or `rejected` with `rejection.reason` (size-mismatch, type-mismatch, checksum-mismatch, expired), the ' +
      'upload then deleted. Safe to repeat: a settled file is returned unchanged. 409 while nothing was uploaded.',
    tags,
    access: { roles: uploaders, deny: 'not-found' },
    request: { params: idParam },
    responses: { 200: { description: 'The file, confirmed or rejected', schema: FileRecord } },
  },
  getFileDownload: {
    method: 'GET',
    path: '/v1/files/{id}/download',
    summary: 'Download a confirmed file (redirect to a short-lived URL)',
    description:
      'Redirects (302) to a presigned URL valid for 5 minutes, which serves the file as an attachment with ' +
      'its name and type. `?redirect=false` answers the URL as JSON instead. 409 unless the file is confirmed.',
    tags,
    access: { roles: readers, deny: 'not-found' },
    request: {
      params: idParam,
      query: z.strictObject({ redirect: z.optional(z.enum(['true', 'false'])) }),
    },
    responses: {
      200: { description: 'The download URL (with ?redirect=false)', schema: DownloadLink },
      302: { description: 'Redirect to the download URL (Location)' },
    },
  },
});
