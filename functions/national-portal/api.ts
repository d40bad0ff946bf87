/** Lambda handler of the national-portal routes. */
import { createApiHandler } from '#shared/http/api-handler.ts';
import { listSyncRecords } from '#shared/national-portal/repository.ts';
import { nationalPortalRoutes } from './routes.ts';

export const handler = createApiHandler(nationalPortalRoutes, {
  async listNationalPortalRecords({ query }) {
    return { status: 200, body: await listSyncRecords(query.dossierId, query) };
  },
});
