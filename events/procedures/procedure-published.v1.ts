/** Procedure catalog events: a procedure version was published (v1). */
import * as z from 'zod/mini';
import { agencyLevelSchema } from '#shared/agencies/agency.ts';
import { ONLINE_LEVELS, PROCEDURE_STATUSES } from '#shared/procedures/vocabulary.ts';
import { defineEvent } from '../envelope.ts';

const ProcedureSnapshot = z.object({
  code: z.string(),
  name: z.string(),
  field: z.string(),
  version: z.number(),
  implementingLevels: z.array(agencyLevelSchema),
  onlineLevel: z.enum(ONLINE_LEVELS),
  processingDays: z.number(),
  /** Fees and charges of one application, integer VND. */
  feeTotal: z.number(),
  status: z.enum(PROCEDURE_STATUSES),
});

export const ProcedurePublishedV1 = defineEvent({
  source: 'vnpp.procedures',
  detailType: 'ProcedurePublished',
  version: 1,
  description:
    'A procedure of the catalog was created (`previousVersion` null) or changed: a new version is current; ' +
    'dossiers already received keep theirs. `changed` lists the fields. Recipients: the province root agency, ' +
    'the agencies named by the procedure and its fixed workflow steps.',
  data: z.object({
    procedure: ProcedureSnapshot,
    previousVersion: z.nullable(z.number()),
    changed: z.array(z.string()),
  }),
  example: {
    eventId: '01JDEMO0000000000000000101',
    schemaVersion: 1,
    occurredAt: '2026-11-23T03:00:00.000Z',
    province: 'vinh-phuc',
    agencyCode: '000.00.00.H62',
    recipients: ['000.00.00.H62', '000.00.20.H62', '000.00.03.H62'],
    entity: { type: 'procedure', id: 'VP-ly-lich-tu-phap' },
    correlationId: 'req-ProcedurePublished',
    actor: {
      type: 'user' as const,
      sub: '2c7a4f0e-3b7d-4c1e-8f00-1a2b3c4d5e6f',
      username: 'admin.province',
      roles: ['province-admin' as const],
      agencyCode: '000.00.11.H62',
    },
    data: {
      procedure: {
        code: 'VP-ly-lich-tu-phap',
        name: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam',
        field: 'Lý lịch tư pháp',
        version: 2,
        implementingLevels: ['department'],
        onlineLevel: 'full-process' as const,
        processingDays: 10,
        feeTotal: 200000,
        status: 'active' as const,
      },
      previousVersion: 1,
      changed: ['workflow'],
    },
  },
});
