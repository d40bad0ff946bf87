/** The national-portal sync log, read-only, for auditors and province admins (handlers: ./api.ts). */
import * as z from 'zod/mini';
import { pageOf, pageQueryFields } from '#shared/http/pagination.ts';
import { defineRoutes } from '#shared/http/route.ts';
import { SyncRecord } from '#shared/national-portal/payloads.ts';

export const nationalPortalRoutes = defineRoutes({
  listNationalPortalRecords: {
    method: 'GET',
    path: '/v1/national-portal/sync-records',
    summary: 'What was pushed to the National Public Service Portal for a dossier, oldest first',
    description:
      'Every DongBoHoSoMC (full dossier) and CapNhatTienDoHoSoMC (progress) push, with its payload as sent. ' +
      'Where the portal adapter runs in `local` mode (the local runtime, a stack without portal credentials) ' +
      'nothing is sent and these records show what would have been (`mode: local`, `delivered: false`).',
    tags: ['National portal'],
    access: { roles: { auditor: 'province', 'province-admin': 'province' } },
    request: {
      query: z.strictObject({ dossierId: z.uuid(), ...pageQueryFields }),
    },
    responses: { 200: { description: 'A page of sync records', schema: pageOf(SyncRecord) } },
  },
});
