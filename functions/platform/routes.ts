/** Platform operations: health, the OpenAPI document and its rendered docs. */
import * as z from 'zod/mini';
import { defineRoutes } from '#shared/http/route.ts';

/** The OpenAPI document's file in a Lambda bundle, next to the Swagger UI files (DOCS_ASSETS_DIR). */
export const OPENAPI_FILE = 'openapi.json';

export const DOCS_ASSETS = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'init.js',
] as const;

const BackendStatus = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  detail: z.optional(z.string()),
});

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    province: z.string(),
    version: z.string(),
    backends: z.record(z.string(), BackendStatus),
  })
  .register(z.globalRegistry, { id: 'Health' });

export const platformRoutes = defineRoutes({
  getHealth: {
    method: 'GET',
    path: '/health',
    summary: 'Health of the API and of each backend (table, buckets)',
    tags: ['Platform'],
    access: { public: 'Load balancers and uptime monitors call it without a token; it reveals no data' },
    responses: {
      200: { description: 'Every backend is up', schema: Health },
      503: { description: 'A backend is down', schema: Health },
    },
  },
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tags: ['Platform'],
    access: { public: 'The API description is public so front-end teams can generate clients' },
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
  },
  getDocs: {
    method: 'GET',
    path: '/docs',
    summary: 'Interactive API documentation (Swagger UI)',
    tags: ['Platform'],
    access: { public: 'Documentation page, no data' },
    responses: { 200: { description: 'HTML page', contentType: 'text/html', schema: z.string() } },
  },
  getDocsAsset: {
    method: 'GET',
    path: '/docs/assets/{file}',
    summary: 'Static files of the documentation page',
    tags: ['Platform'],
    access: { public: 'Static documentation assets' },
    request: { params: z.strictObject({ file: z.enum(DOCS_ASSETS) }) },
    responses: {
      200: { description: 'The file', contentType: 'application/octet-stream', schema: z.string() },
    },
  },
});
