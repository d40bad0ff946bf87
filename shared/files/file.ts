/**
 * File records (hồ sơ tệp): the API shapes of an uploaded file and of an upload request.
 * A file is `pending` until its uploader confirms it, then `confirmed` (the bytes were checked) or
 * `rejected` (with the reason; the bytes are deleted). Rules: ./rules.ts.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '../agencies/agency.ts';
import { FILE_PURPOSES, FILE_TYPES, SHA256_BASE64_PATTERN } from './rules.ts';

export const fileIdSchema = z.uuid();

export const filePurposeSchema = z.enum(FILE_PURPOSES);

export const FILE_STATUSES = ['pending', 'confirmed', 'rejected'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

export const REJECTION_REASONS = ['size-mismatch', 'type-mismatch', 'checksum-mismatch', 'expired'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

const sha256Schema = z
  .string()
  .check(z.regex(SHA256_BASE64_PATTERN, 'The SHA-256 of the content in base64, 44 characters ending in ='));

export const FileRecord = z
  .object({
    id: fileIdSchema,
    purpose: filePurposeSchema,
    fileName: z.string(),
    contentType: z.string(),
    /** Bytes. */
    size: z.number(),
    /** SHA-256 of the content, base64. */
    sha256: sha256Schema,
    /** The agency the file belongs to (its staff may read it). */
    agencyCode: agencyCodeSchema,
    /** `sub` of the user who requested the upload. */
    ownerSub: z.string(),
    status: z.enum(FILE_STATUSES),
    /** Pending files: the confirmation deadline; later the file expires. */
    confirmBy: z.optional(z.iso.datetime()),
    confirmedAt: z.optional(z.iso.datetime()),
    rejection: z.optional(
      z.object({ reason: z.enum(REJECTION_REASONS), detail: z.string(), at: z.iso.datetime() }),
    ),
    version: z.number(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, {
    id: 'FileRecord',
    description: 'An uploaded file: pending until confirmed, then confirmed or rejected',
  });
export type FileRecord = z.infer<typeof FileRecord>;

export const RequestFileUpload = z
  .strictObject({
    purpose: filePurposeSchema,
    /** Shown on download; NFC-normalised; its extension must match the content type. */
    fileName: z.string().check(z.normalize('NFC')),
    contentType: z.string().check(z.maxLength(200), z.toLowerCase()),
    size: z.number().check(z.int(), z.minimum(1)),
    sha256: sha256Schema,
    /** The agency the file is for: required from citizens; staff default to their own agency. */
    agencyCode: z.optional(agencyCodeSchema),
  })
  .register(z.globalRegistry, {
    id: 'RequestFileUpload',
    description:
      `Declares a file before uploading it. Types: ${Object.keys(FILE_TYPES).join(', ')} ` +
      '(each purpose allows a subset, with its own size limit). `sha256` is base64, as S3 expects in x-amz-checksum-sha256.',
  });
export type RequestFileUpload = z.infer<typeof RequestFileUpload>;

export const UploadTicket = z
  .object({
    id: fileIdSchema,
    upload: z.object({
      method: z.literal('PUT'),
      url: z.string(),
      /** Send exactly these headers; the body must be the declared bytes (Content-Length = size). */
      headers: z.record(z.string(), z.string()),
    }),
    /** When the upload URL stops working. */
    expiresAt: z.iso.datetime(),
    file: FileRecord,
  })
  .register(z.globalRegistry, {
    id: 'UploadTicket',
    description: 'Where and how to upload the bytes, then call POST /v1/files/{id}/confirm',
  });
export type UploadTicket = z.infer<typeof UploadTicket>;

export const DownloadLink = z
  .object({ url: z.string(), expiresAt: z.iso.datetime() })
  .register(z.globalRegistry, { id: 'DownloadLink', description: 'A short-lived URL to the file' });
export type DownloadLink = z.infer<typeof DownloadLink>;

/** Who may reach a file: its agency's staff (by scope) and its owner. */
export const accessTargetOf = (file: Pick<FileRecord, 'agencyCode' | 'ownerSub'>) => ({
  agencyCode: file.agencyCode,
  ownerSub: file.ownerSub,
});
