/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (zod-openapi).
 * The same declarations drive the router, CDK and the local runtime, so the document cannot drift:
 * tests/unit/openapi.test.ts compares its operations with the route table.
 */
import * as z from 'zod/mini';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { MAX_BODY_BYTES } from './api-handler.ts';
import { PROBLEM_TYPES, problemTypeUri } from './errors.ts';
import { isPublic, type RouteSpec } from './route.ts';
import { Problem } from './schemas.ts';

export interface DocumentedRoute {
  readonly operationId: string;
  readonly route: RouteSpec;
}

const problemContent = { 'application/problem+json': { schema: Problem } };
const problem = (description: string) => ({ description, content: problemContent });

const requestIdHeader = z
  .optional(z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/)))
  .register(z.globalRegistry, {
    description: 'Correlation id; echoed in the response and in every log line. Generated when absent.',
  });

function responsesOf(route: RouteSpec): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const contentType = spec.contentType ?? 'application/json';
    responses[status as `2${string}`] = {
      description: spec.description,
      headers: z.object({ 'x-request-id': z.string() }),
      ...(spec.schema ? { content: { [contentType]: { schema: spec.schema } } } : {}),
    };
  }
  const hasInput = route.request?.body || route.request?.query || route.request?.params;
  if (hasInput || route.ifMatch)
    responses['400'] = problem('Invalid input (validation-error, malformed-json, invalid-cursor)');
  if (!isPublic(route.access)) {
    responses['401'] = problem('Missing, expired or invalid bearer token');
    responses['403'] = problem('The caller lacks the role, or the resource belongs to another agency');
  }
  if (route.request?.params) responses['404'] = problem('Not found (or not visible to the caller)');
  if (route.method !== 'GET') responses['409'] = problem('Conflicts with the current state');
  if (route.ifMatch) responses['412'] = problem('If-Match does not match the current ETag');
  if (route.request?.body) {
    responses['413'] = problem(`Body larger than ${MAX_BODY_BYTES} bytes`);
    responses['415'] = problem('Body is not JSON');
  }
  if (route.idempotent) responses['422'] = problem('Idempotency-Key reused with a different request');
  responses['503'] = problem('A backend is temporarily unavailable; retry with backoff');
  return responses;
}

function operationOf({ operationId, route }: DocumentedRoute): ZodOpenApiOperationObject {
  const header: Record<string, z.ZodMiniType> = { 'x-request-id': requestIdHeader };
  if (route.idempotent) {
    header['idempotency-key'] = z
      .optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/)))
      .register(z.globalRegistry, {
        description: 'Makes this POST safe to retry: a replay within 24 h returns the stored response.',
      });
  }
  if (route.ifMatch) {
    header['if-match'] = z.optional(z.string()).register(z.globalRegistry, {
      description: 'ETag from a previous read; the write fails with 412 if the resource changed.',
    });
  }
  const access = route.access;
  return {
    operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    security: isPublic(access) ? [] : [{ bearer: [] }],
    'x-access': isPublic(access) ? { public: access.public } : access.roles,
    requestParams: {
      ...(route.request?.params ? { path: route.request.params } : {}),
      ...(route.request?.query ? { query: route.request.query } : {}),
      header: z.object(header),
    },
    ...(route.request?.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: route.request.body } } } }
      : {}),
    responses: responsesOf(route),
  } as ZodOpenApiOperationObject;
}

export function buildOpenApiDocument(
  routes: readonly DocumentedRoute[],
  info: { title: string; version: string },
) {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const entry of routes) {
    paths[entry.route.path] = {
      ...paths[entry.route.path],
      [entry.route.method.toLowerCase()]: operationOf(entry),
    };
  }
  const problemList = Object.entries(PROBLEM_TYPES)
    .map(
      ([slug, { status, title }]) =>
        `| \`${problemTypeUri(slug as keyof typeof PROBLEM_TYPES)}\` | ${status} | ${title} |`,
    )
    .join('\n');
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: [
        'REST API of the provincial digital-government platform: agencies, dossiers (one-stop shop),',
        'official documents, payments and digital signatures.',
        '',
        '**Conventions.** Every path is under `/v1`. Bodies are JSON and unknown properties are refused.',
        'Lists take `limit` (1-100) and `cursor` and return `{ items, nextCursor }`.',
        'Creating POSTs honour `Idempotency-Key`; resources carry an `ETag` and updates honour `If-Match`.',
        'Send `X-Request-Id` to correlate logs. Each operation lists the roles it admits in `x-access`',
        '(role → scope: `any`, `agency`, `agency-tree`, `owner`, `province`).',
        '',
        '**Errors** are RFC 9457 `application/problem+json` with these stable `type` values:',
        '',
        '| type | status | title |',
        '|---|---|---|',
        problemList,
      ].join('\n'),
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito ID token in AWS; locally, POST /local/token { "username": "…" }.',
        },
      },
    },
    paths,
  });
}
