/**
 * Keys of file records in the main table and of file objects in the files bucket.
 *
 * | access pattern      | index | PK          | SK     |
 * |---------------------|-------|-------------|--------|
 * | get a file by id    | table | `FILE#<id>` | `META` |
 *
 * A pending record carries the TTL `expiresAt` (epoch seconds, end of its confirmation window);
 * a rejected one keeps a TTL a week after rejection; a confirmed one has none. Domains that use
 * files (dossiers, documents) keep the file ids in their own items, so no index lists files.
 *
 * Objects (one files bucket per province stack, keys prefixed by agency):
 *
 * | object                               | key                                           |
 * |--------------------------------------|-----------------------------------------------|
 * | an upload awaiting confirmation      | `incoming/<agencyCode>/<yyyy>/<mm>/<fileId>`  |
 * | a confirmed file                     | `<agencyCode>/<yyyy>/<mm>/<fileId>`           |
 *
 * Uploads land under `incoming/`; confirmation copies the verified object to its permanent key and
 * deletes the upload. So nothing unverified is ever under an agency's prefix, and one lifecycle rule
 * on `incoming/` (expire after 1 day, abort incomplete multipart uploads after 1 day) removes uploads
 * that were never confirmed, or were rejected but not deleted. `yyyy/mm` is the month the upload was
 * requested, in Vietnam time (UTC+7).
 */
import { vietnamDayOf } from '../calendar/civil-date.ts';

export const ENTITY_FILE = 'file';

export const fileKey = (id: string) => ({ PK: `FILE#${id}`, SK: 'META' });

export const INCOMING_PREFIX = 'incoming/';

/** `yyyy/mm` of an instant in Vietnam time. */
export function monthPath(at: Date): string {
  const day = vietnamDayOf(at);
  return `${day.slice(0, 4)}/${day.slice(5, 7)}`;
}

export const objectKeyOf = (agencyCode: string, createdAt: Date, fileId: string): string =>
  `${agencyCode}/${monthPath(createdAt)}/${fileId}`;

export const incomingKeyOf = (agencyCode: string, createdAt: Date, fileId: string): string =>
  `${INCOMING_PREFIX}${objectKeyOf(agencyCode, createdAt, fileId)}`;
