/** Lambda handler of the procedure catalog: thin adapters from routes to shared/procedures. */
import { createApiHandler } from '#shared/http/api-handler.ts';
import { catalogAgencyOf } from '#shared/procedures/catalog-agency.ts';
import * as procedures from '#shared/procedures/repository.ts';
import { procedureRoutes } from './routes.ts';

export const handler = createApiHandler(procedureRoutes, {
  async listProcedures({ query }) {
    return { status: 200, body: await procedures.listProcedures(query) };
  },

  async getProcedure({ params, query }) {
    const procedure = await procedures.requireProcedure(params.code, query.version);
    return { status: 200, body: procedure, version: procedure.version };
  },

  async createProcedure({ body, principal, change }) {
    const procedure = await procedures.createProcedure(body, change, await catalogAgencyOf(principal));
    return {
      status: 201,
      body: procedure,
      version: procedure.version,
      headers: { location: `/v1/procedures/${procedure.code}` },
    };
  },

  async updateProcedure({ params, body, ifMatch, principal, change }) {
    const catalogAgency = await catalogAgencyOf(principal);
    const procedure = await procedures.updateProcedure(params.code, body, ifMatch, change, catalogAgency);
    return { status: 200, body: procedure, version: procedure.version };
  },
});
