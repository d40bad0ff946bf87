/**
 * Dossier events (v1). No personal data travels in events: consumers that need the applicant
 * (the national portal sync) read the dossier by id with their own permissions.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { DOSSIER_ACTIONS, DOSSIER_STATUSES } from '#shared/dossiers/state-machine.ts';
import { defineEvent } from '../envelope.ts';

/** The dossier as every dossier event carries it: no applicant, no form. */
export const DossierSummary = z.object({
  id: z.string(),
  code: z.nullable(z.string()),
  procedureCode: z.string(),
  procedureVersion: z.number(),
  field: z.string(),
  onlineLevel: z.string(),
  channel: z.enum(['online', 'counter']),
  deliveryMethod: z.enum(['counter', 'online', 'postal']),
  applicantKind: z.enum(['citizen', 'business']),
  receivingAgency: agencyCodeSchema,
  currentAgency: agencyCodeSchema,
  interAgency: z.boolean(),
  status: z.enum(DOSSIER_STATUSES),
  submittedAt: z.string(),
  receivedAt: z.nullable(z.string()),
  dueAt: z.nullable(z.string()),
  finishedAt: z.nullable(z.string()),
  outcome: z.nullable(z.enum(['early', 'on-time', 'late'])),
  feesTotal: z.number(),
});

export const summaryExample = {
  id: '7d1f5c2e-0b7a-4f1e-9a3c-5e2d1c0b9a87',
  code: '000.00.21.H62-261122-0001',
  procedureCode: '1.001193',
  procedureVersion: 1,
  field: 'Hộ tịch',
  onlineLevel: 'full-process',
  channel: 'online' as const,
  deliveryMethod: 'online' as const,
  applicantKind: 'citizen' as const,
  receivingAgency: '000.01.21.H62',
  currentAgency: '000.00.21.H62',
  interAgency: true,
  status: 'processing' as const,
  submittedAt: '2026-11-20T01:00:00.000Z',
  receivedAt: '2026-11-20T02:00:00.000Z',
  dueAt: '2026-11-27T10:30:00.000Z',
  finishedAt: null,
  outcome: null,
  feesTotal: 0,
};

export const envelopeExample = {
  eventId: '0f6b2a8e-5d4c-4b3a-9e8f-7a6b5c4d3e2f',
  schemaVersion: 1,
  occurredAt: '2026-11-21T03:00:00.000Z',
  province: 'vinh-phuc',
  agencyCode: '000.01.21.H62',
  recipients: ['000.01.21.H62', '000.00.21.H62'],
  entity: { type: 'dossier', id: summaryExample.id },
  correlationId: 'req-forward-1',
  actor: {
    type: 'user' as const,
    sub: '5a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    username: 'clerk.tichson',
    roles: ['clerk' as const],
    agencyCode: '000.01.21.H62',
  },
};

export const DossierSubmittedV1 = defineEvent({
  source: 'vnpp.dossiers',
  detailType: 'DossierSubmitted',
  version: 1,
  description:
    'A dossier was submitted online or at the counter. Recipients: the receiving agency and its ancestors.',
  data: z.object({ dossier: DossierSummary }),
  example: {
    ...envelopeExample,
    data: {
      dossier: { ...summaryExample, code: null, status: 'submitted' as const, receivedAt: null, dueAt: null },
    },
  },
});

export const DossierStatusChangedV1 = defineEvent({
  source: 'vnpp.dossiers',
  detailType: 'DossierStatusChanged',
  version: 1,
  description:
    'An action moved a dossier (receive, forward, supplement, extend, approve, return …). Recipients: every agency of its workflow so far, with ancestors.',
  data: z.object({
    action: z.enum(DOSSIER_ACTIONS),
    fromStatus: z.enum(DOSSIER_STATUSES),
    toStatus: z.enum(DOSSIER_STATUSES),
    stepIndex: z.number(),
    /** Extension in working days (`extend`). */
    days: z.optional(z.number()),
    dossier: DossierSummary,
  }),
  example: {
    ...envelopeExample,
    data: {
      action: 'forward' as const,
      fromStatus: 'received' as const,
      toStatus: 'processing' as const,
      stepIndex: 1,
      dossier: summaryExample,
    },
  },
});

export const DossierRatedV1 = defineEvent({
  source: 'vnpp.dossiers',
  detailType: 'DossierRated',
  version: 1,
  description: 'The applicant rated the service after the result was returned.',
  data: z.object({ dossierId: z.string(), score: z.number().check(z.int(), z.minimum(1), z.maximum(5)) }),
  example: { ...envelopeExample, data: { dossierId: summaryExample.id, score: 5 } },
});
