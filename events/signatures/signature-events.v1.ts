/**
 * Signatures: a signature was added to a file (personal two-phase signing or the agency seal through
 * the API), and a certificate was registered. Reports count signed outgoing documents from
 * SignatureCompleted (agency, kind, purpose).
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { defineEvent } from '../envelope.ts';

const actor = {
  type: 'user' as const,
  sub: '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  username: 'leader.tichson',
  roles: ['leader' as const],
};

export const SIGNATURE_PURPOSES = ['outgoing-document', 'result', 'receipt', 'copy', 'other'] as const;

export const SignatureCompletedV1 = defineEvent({
  source: 'vnpp.signatures',
  detailType: 'SignatureCompleted',
  version: 1,
  description:
    'A signature was added to a file and the signed file stored: `kind` personal (a person’s two-phase ' +
    'signature) or seal (the agency seal); `purpose` says what was signed (outgoing-document, result, ' +
    'receipt, copy, other). Recipients: the signing agency. Reports count signed outgoing documents from it.',
  data: z.object({
    signature: z.object({
      id: z.string(),
      kind: z.enum(['personal', 'seal']),
      purpose: z.enum(SIGNATURE_PURPOSES),
      agencyCode: agencyCodeSchema,
      /** The file that was signed and the signed file (a new file). */
      fileId: z.string(),
      signedFileId: z.string(),
      format: z.enum(['pades', 'cades']),
      /** The signer certificate's serial number (hex). */
      certificateSerialNumber: z.string(),
      signedAt: z.iso.datetime(),
    }),
  }),
  example: {
    eventId: '0f2b8f7e-3f43-4a8e-9a0b-4f1f7f5c2d11',
    schemaVersion: 1,
    occurredAt: '2026-11-22T03:10:00.000Z',
    province: 'vinh-phuc',
    agencyCode: '000.00.21.H62',
    recipients: ['000.00.21.H62'],
    entity: { type: 'signing-session', id: '3d9a6f0e-1b2c-4d5e-8f90-a1b2c3d4e5f6' },
    correlationId: 'req-signature-completed',
    actor,
    data: {
      signature: {
        id: '3d9a6f0e-1b2c-4d5e-8f90-a1b2c3d4e5f6',
        kind: 'personal',
        purpose: 'outgoing-document',
        agencyCode: '000.00.21.H62',
        fileId: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
        signedFileId: '7a2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0c',
        format: 'pades',
        certificateSerialNumber: '1f2e3d4c5b6a79880a1b2c3d',
        signedAt: '2026-11-22T03:10:00.000Z',
      },
    },
  },
});

export const CertificateRegisteredV1 = defineEvent({
  source: 'vnpp.signatures',
  detailType: 'CertificateRegistered',
  version: 1,
  description:
    'A signing certificate was registered (personal or organization). Recipients: its agency. ' +
    'Read it with GET /v1/certificates/{id}.',
  data: z.object({
    certificate: z.object({
      id: z.string(),
      kind: z.enum(['personal', 'organization']),
      serialNumber: z.string(),
      notAfter: z.iso.datetime(),
    }),
  }),
  example: {
    eventId: '1a2b8f7e-3f43-4a8e-9a0b-4f1f7f5c2d12',
    schemaVersion: 1,
    occurredAt: '2026-11-22T03:00:00.000Z',
    province: 'vinh-phuc',
    agencyCode: '000.00.21.H62',
    recipients: ['000.00.21.H62'],
    entity: { type: 'certificate', id: '5c4d3e2f-1a0b-4978-8a6b-6f1e2d3c4b5a' },
    correlationId: 'req-certificate-registered',
    actor,
    data: {
      certificate: {
        id: '5c4d3e2f-1a0b-4978-8a6b-6f1e2d3c4b5a',
        kind: 'personal',
        serialNumber: '1f2e3d4c5b6a79880a1b2c3d',
        notAfter: '2029-11-22T00:00:00.000Z',
      },
    },
  },
});
