/** Audit trail reads for auditors (handlers: ./api.ts; chain rules: shared/audit). */
import * as z from 'zod/mini';
import { AuditRecordSchema } from '#shared/audit/schemas.ts';
import { pageOf, pageQueryFields } from '#shared/http/pagination.ts';
import { defineRoutes } from '#shared/http/route.ts';

export const auditRoutes = defineRoutes({
  listAuditRecords: {
    method: 'GET',
    path: '/v1/audit',
    summary: "An entity's audit history, oldest first",
    description:
      'Every state change appends a record to the owning agency’s SHA-256 hash chain; ' +
      '`npm run audit:verify` recomputes the chains and compares them with the write-once digests.',
    tags: ['Audit'],
    access: { roles: { auditor: 'province' } },
    request: {
      query: z.strictObject({
        entityId: z.string().check(z.minLength(1), z.maxLength(200)),
        ...pageQueryFields,
      }),
    },
    responses: { 200: { description: 'A page of audit records', schema: pageOf(AuditRecordSchema) } },
  },
});
