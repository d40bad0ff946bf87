/** Agency registry events: an agency was created, updated or deleted (v1). */
import * as z from 'zod/mini';
import { agencyCodeSchema, agencyLevelSchema } from '#shared/agencies/agency.ts';
import { defineEvent } from '../envelope.ts';

const AgencySnapshot = z.object({
  code: agencyCodeSchema,
  name: z.string(),
  level: agencyLevelSchema,
  parentCode: z.nullable(agencyCodeSchema),
  version: z.number(),
});

const example = (detailType: string) => ({
  eventId: '01JDEMO0000000000000000001',
  schemaVersion: 1,
  occurredAt: '2026-11-22T02:30:00.000Z',
  province: 'vinh-phuc',
  agencyCode: '000.00.21.H62',
  recipients: ['000.00.00.H62', '000.00.21.H62'],
  entity: { type: 'agency', id: '000.05.21.H62' },
  correlationId: `req-${detailType}`,
  actor: {
    type: 'user' as const,
    sub: '2c7a4f0e-3b7d-4c1e-8f00-1a2b3c4d5e6f',
    username: 'admin.province',
    roles: ['province-admin' as const],
    agencyCode: '000.00.11.H62',
  },
  data: {
    agency: {
      code: '000.05.21.H62',
      name: 'UBND phường Đống Đa',
      level: 'commune',
      parentCode: '000.00.21.H62',
      version: 1,
    },
  },
});

export const AgencyCreatedV1 = defineEvent({
  source: 'vnpp.agencies',
  detailType: 'AgencyCreated',
  version: 1,
  description: 'An agency was added to the province tree. Recipients: its parent and ancestors.',
  data: z.object({ agency: AgencySnapshot }),
  example: example('AgencyCreated'),
});

export const AgencyUpdatedV1 = defineEvent({
  source: 'vnpp.agencies',
  detailType: 'AgencyUpdated',
  version: 1,
  description: "An agency's name or contact details changed. `changed` lists the fields.",
  data: z.object({ agency: AgencySnapshot, changed: z.array(z.string()) }),
  example: { ...example('AgencyUpdated'), data: { ...example('AgencyUpdated').data, changed: ['address'] } },
});

export const AgencyDeletedV1 = defineEvent({
  source: 'vnpp.agencies',
  detailType: 'AgencyDeleted',
  version: 1,
  description: 'A leaf agency was removed from the tree.',
  data: z.object({ agency: AgencySnapshot }),
  example: example('AgencyDeleted'),
});
