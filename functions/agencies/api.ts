/** Lambda handler of the agency registry: thin adapters from routes to shared/agencies. */
import * as agencies from '#shared/agencies/repository.ts';
import { createApiHandler } from '#shared/http/api-handler.ts';
import { agencyRoutes } from './routes.ts';

export const handler = createApiHandler(agencyRoutes, {
  async listAgencies({ query }) {
    return { status: 200, body: await agencies.listAgencies(query) };
  },

  async getAgency({ params }) {
    const agency = await agencies.requireAgency(params.code);
    return { status: 200, body: agency, version: agency.version };
  },

  async createAgency({ body, change }) {
    const agency = await agencies.createAgency(body, change);
    return {
      status: 201,
      body: agency,
      version: agency.version,
      headers: { location: `/v1/agencies/${agency.code}` },
    };
  },

  async updateAgency({ params, body, ifMatch, authorize, change }) {
    await authorize({ agencyCode: params.code });
    const agency = await agencies.updateAgency(params.code, body, ifMatch, change);
    return { status: 200, body: agency, version: agency.version };
  },

  async deleteAgency({ params, ifMatch, change }) {
    await agencies.deleteAgency(params.code, ifMatch, change);
    return { status: 204 };
  },
});
