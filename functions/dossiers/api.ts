/** Lambda handler of the dossier routes: thin adapters to shared/dossiers. */
import * as dossiers from '#shared/dossiers/repository.ts';
import { allowedActions } from '#shared/dossiers/state-machine.ts';
import { downloadLink } from '#shared/files/read-file.ts';
import { createApiHandler } from '#shared/http/api-handler.ts';
import { NotFoundError } from '#shared/http/errors.ts';
import { dossierRoutes } from './routes.ts';

export const handler = createApiHandler(dossierRoutes, {
  async submitDossier({ body, principal, change, authorize }) {
    const dossier = await dossiers.submitDossier(body, principal, change, authorize);
    return {
      status: 201,
      body: dossier,
      version: dossier.version,
      headers: { location: `/v1/dossiers/${dossier.id}` },
    };
  },

  async getDossier({ params, principal, authorize }) {
    const dossier = await dossiers.requireDossier(params.id);
    await authorize({
      agencyCodes: dossiers.participants(dossier),
      ...(dossier.ownerSub ? { ownerSub: dossier.ownerSub } : {}),
    });
    const { history, letters } = await dossiers.dossierHistory(dossier.id);
    const roles = dossier.ownerSub === principal.sub ? (['citizen'] as const) : principal.roles;
    return {
      status: 200,
      version: dossier.version,
      body: {
        dossier,
        history,
        letters,
        allowedActions: allowedActions(
          { status: dossier.status, stepIndex: dossier.stepIndex, stepCount: dossier.steps.length },
          roles,
        ),
      },
    };
  },

  async transitionDossier({ params, body, principal, change, ifMatch, authorize }) {
    const dossier = await dossiers.applyTransition({
      id: params.id,
      transition: body,
      principal,
      context: change,
      ifMatch,
      authorize,
    });
    return { status: 200, body: dossier, version: dossier.version };
  },

  async downloadDossierAttachment({ params, query, authorize }) {
    const dossier = await dossiers.requireDossier(params.id);
    await authorize({
      agencyCodes: dossiers.participants(dossier),
      ...(dossier.ownerSub ? { ownerSub: dossier.ownerSub } : {}),
    });
    if (!dossier.attachments.some((attachment) => attachment.fileId === params.fileId)) {
      throw new NotFoundError('The dossier has no such attachment');
    }
    // Access was decided by the dossier, not by the file's own agency.
    const link = await downloadLink(params.fileId, async () => undefined);
    const noStore = { 'cache-control': 'no-store' };
    if (query.redirect === 'false') return { status: 200, body: link, headers: noStore };
    return { status: 302, headers: { ...noStore, location: link.url } };
  },

  async listAgencyDossiers({ params, query, principal, authorize }) {
    await authorize({ agencyCode: params.code });
    const assignee = query.assignee === 'me' ? principal.username : query.assignee;
    return { status: 200, body: await dossiers.listQueue({ ...query, assignee, agencyCode: params.code }) };
  },

  async listMyDossiers({ query, principal, authorize }) {
    await authorize({ ownerSub: principal.sub });
    return { status: 200, body: await dossiers.listOwnDossiers(principal.sub, query.limit, query.cursor) };
  },

  async rateDossier({ params, body, principal, change, authorize }) {
    await authorize({ ownerSub: principal.sub });
    const dossier = await dossiers.rateDossier(params.id, body, principal, change);
    return { status: 201, body: dossier, version: dossier.version };
  },

  async lookupDossierStatus({ params, query, event }) {
    return {
      status: 200,
      body: await dossiers.publicLookup(params.code, query.idNumber, event.requestContext.http.sourceIp),
    };
  },
});
