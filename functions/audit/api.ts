/** Lambda handler of the audit routes. */
import { listEntityAudit } from '#shared/audit/repository.ts';
import { createApiHandler } from '#shared/http/api-handler.ts';
import { auditRoutes } from './routes.ts';

export const handler = createApiHandler(auditRoutes, {
  async listAuditRecords({ query }) {
    return { status: 200, body: await listEntityAudit(query) };
  },
});
