/**
 * The OpenAPI document of every route (functions/routes.ts), served at /openapi.json. Lambda bundles
 * get it as a file written at synth (infra/cdk/function-profiles.ts), so the generator and every
 * domain's route schemas stay out of the platform function; running from source, the handler builds it.
 */
import { buildOpenApiDocument } from '#shared/http/openapi.ts';
import { API_TITLE, API_VERSION } from '../api-info.ts';
import { allRoutes } from '../routes.ts';

export const openApiJson = (): string =>
  JSON.stringify(buildOpenApiDocument(allRoutes, { title: API_TITLE, version: API_VERSION }));
