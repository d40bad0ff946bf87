/** Lambda handler of the platform routes: health, OpenAPI document, docs page. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createApiHandler } from '#shared/http/api-handler.ts';
import { dynamoClient, s3Client } from '#shared/platform/aws-clients.ts';
import { ENV, optionalEnv, requireEnv } from '#shared/platform/env.ts';
import { API_TITLE, API_VERSION } from '../api-info.ts';
import { OPENAPI_FILE, platformRoutes } from './routes.ts';

/** `true` in Lambda bundles (esbuild define, infra/cdk/bundling.ts); undeclared when run from source. */
declare const LAMBDA_BUNDLE: true | undefined;

const HEALTH_TIMEOUT_MS = 2000;

async function probe(check: (signal: AbortSignal) => Promise<unknown>) {
  const started = performance.now();
  try {
    await check(AbortSignal.timeout(HEALTH_TIMEOUT_MS));
    return { status: 'up' as const, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down' as const,
      latencyMs: Math.round(performance.now() - started),
      detail: error instanceof Error ? error.name : 'unknown error',
    };
  }
}

let openApiJson: string | undefined;

/** Where the Swagger UI files are: bundled next to the handler in AWS, in node_modules locally. */
function docsAssetsDir(): string {
  const configured = optionalEnv('DOCS_ASSETS_DIR');
  if (configured) return configured;
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${API_TITLE}</title>
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout'
});`;

const CONTENT_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  png: 'image/png',
};

const DOCS_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'",
  'x-content-type-options': 'nosniff',
};

export const handler = createApiHandler(platformRoutes, {
  async getHealth() {
    const tableName = requireEnv(ENV.tableName);
    const backends: Record<string, Awaited<ReturnType<typeof probe>>> = {
      dynamodb: await probe((abortSignal) =>
        dynamoClient().send(new DescribeTableCommand({ TableName: tableName }), { abortSignal }),
      ),
      ...Object.fromEntries(
        await Promise.all(
          (
            [
              ['s3-files', requireEnv(ENV.filesBucket)],
              ['s3-audit-archive', requireEnv(ENV.auditBucket)],
            ] as const
          ).map(async ([name, bucket]) => [
            name,
            await probe((abortSignal) => s3Client().headBucket(bucket, { abortSignal })),
          ]),
        ),
      ),
    };
    const ok = Object.values(backends).every((backend) => backend.status === 'up');
    return {
      status: ok ? 200 : 503,
      headers: { 'cache-control': 'no-store' },
      body: {
        status: ok ? 'ok' : 'degraded',
        province: optionalEnv(ENV.provinceCode) ?? 'unknown',
        version: API_VERSION,
        backends,
      },
    };
  },

  async getOpenApi() {
    // Bundled: the document written at synth, next to the Swagger UI files (esbuild drops the other
    // branch and the generator with it). From source: built on the first request.
    openApiJson ??=
      typeof LAMBDA_BUNDLE !== 'undefined'
        ? await readFile(join(docsAssetsDir(), OPENAPI_FILE), 'utf8')
        : (await import('./openapi-document.ts')).openApiJson();
    return { status: 200, raw: { body: openApiJson, contentType: 'application/json' } };
  },

  async getDocs() {
    return {
      status: 200,
      raw: { body: DOCS_HTML, contentType: 'text/html; charset=utf-8' },
      headers: DOCS_SECURITY_HEADERS,
    };
  },

  async getDocsAsset({ params }) {
    const extension = params.file.split('.').pop() ?? '';
    const contentType = CONTENT_TYPES[extension] ?? 'application/octet-stream';
    const body =
      params.file === 'init.js'
        ? DOCS_INIT
        : extension === 'png'
          ? await readFile(join(docsAssetsDir(), params.file))
          : await readFile(join(docsAssetsDir(), params.file), 'utf8');
    return {
      status: 200,
      raw: { body, contentType },
      headers: { 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
    };
  },
});
