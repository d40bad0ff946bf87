/** Files: an uploaded file passed its checks (size, type by magic bytes, SHA-256) and is stored (v1). */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { defineEvent } from '../envelope.ts';

export const FileConfirmedV1 = defineEvent({
  source: 'vnpp.files',
  detailType: 'FileConfirmed',
  version: 1,
  description:
    'An uploaded file was verified and stored; it can now be attached to a dossier or a document. ' +
    'Recipients: the file’s agency. The file name is not in the event (it may carry personal data): ' +
    'read it with GET /v1/files/{id}.',
  data: z.object({
    file: z.object({
      id: z.string(),
      /** What the file is for, e.g. `dossier-attachment`, `document-attachment`. */
      purpose: z.string(),
      agencyCode: agencyCodeSchema,
      contentType: z.string(),
      size: z.number(),
      /** SHA-256 of the content, base64. */
      sha256: z.string(),
    }),
  }),
  example: {
    eventId: '4b0c1c52-7d1e-4f7e-9a43-2f1d9d6e5a10',
    schemaVersion: 1,
    occurredAt: '2026-11-22T02:31:00.000Z',
    province: 'vinh-phuc',
    agencyCode: '000.00.21.H62',
    recipients: ['000.00.21.H62'],
    entity: { type: 'file', id: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b' },
    correlationId: 'req-file-confirmed',
    actor: {
      type: 'user' as const,
      sub: '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      username: 'citizen.an',
      roles: ['citizen' as const],
    },
    data: {
      file: {
        id: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
        purpose: 'dossier-attachment',
        agencyCode: '000.00.21.H62',
        contentType: 'application/pdf',
        size: 482133,
        sha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
      },
    },
  },
});
