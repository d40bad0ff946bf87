import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { ancestorsOf as defaultAncestorsOf } from '../agencies/directory.ts';
import type { ChangeContext } from '../platform/change.ts';
import { logger, metrics, tracer } from '../platform/observability.ts';
import { apiCallMeter } from '../reports/usage-meter.ts';
import {
  type AccessTarget,
  type AncestorLookup,
  assertRoleAdmitted,
  assertScope,
  authenticate,
  type Principal,
  scopeNeedsTarget,
} from './auth.ts';
import { HttpProblem, ValidationError } from './errors.ts';
import { etagOf, parseIfMatch } from './etag.ts';
import { idempotencyKeyPattern, runIdempotent } from './idempotency.ts';
import { problemResponse, toProblem } from './problem.ts';
import { type AnySchema, isPublic, type RouteSpec, type RouteTable, routeKey } from './route.ts';
import { parsePart } from './validation.ts';

/** Largest request body accepted, in bytes (before base64). */
export const MAX_BODY_BYTES = 1024 * 1024;

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

type Out<S> = S extends AnySchema ? z.output<S> : undefined;
type RequestOf<R extends RouteSpec> = R['request'] extends object ? R['request'] : Record<string, never>;

export interface RouteRequest<R extends RouteSpec> {
  readonly operationId: string;
  readonly params: Out<RequestOf<R>['params']>;
  readonly query: Out<RequestOf<R>['query']>;
  readonly body: Out<RequestOf<R>['body']>;
  /** The authenticated caller; undefined only on public routes. */
  readonly principal: R['access'] extends { public: string } ? undefined : Principal;
  /**
   * Checks the caller may touch a resource of this agency / owner under the route's declared scopes.
   * Routes whose scopes depend on the resource must call it; the router fails loudly otherwise.
   */
  authorize(target: AccessTarget): Promise<void>;
  /** Parsed If-Match (routes with `ifMatch`). */
  readonly ifMatch: number[] | '*' | undefined;
  readonly requestId: string;
  /** Actor and correlation for commitChange (audit records and events). */
  readonly change: ChangeContext;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly event: APIGatewayProxyEventV2;
}

export interface Reply {
  readonly status: number;
  /** Serialised as JSON unless `raw` is given. */
  readonly body?: unknown;
  readonly raw?: { readonly body: string | Buffer; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** Resource version, sent as ETag. */
  readonly version?: number;
}

export type RouteHandler<R extends RouteSpec> = (request: RouteRequest<R>) => Promise<Reply>;
export type Handlers<T extends RouteTable> = { readonly [K in keyof T]: RouteHandler<T[K]> };

export interface ApiHandlerOptions {
  ancestorsOf?: AncestorLookup;
}

interface Entry {
  operationId: string;
  route: RouteSpec;
  handler: RouteHandler<RouteSpec>;
}

function rawBodyOf(event: APIGatewayProxyEventV2): Buffer | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const type = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

function parseBody(route: RouteSpec, event: APIGatewayProxyEventV2, raw: Buffer | undefined): unknown {
  const schema = route.request?.body;
  const empty = raw === undefined || raw.length === 0;
  if (!schema) {
    if (!empty && route.method !== 'GET' && route.method !== 'DELETE') {
      throw new ValidationError([
        { path: 'body', message: 'This operation takes no body', code: 'unexpected_body' },
      ]);
    }
    return undefined;
  }
  if (empty)
    throw new ValidationError([{ path: 'body', message: 'A JSON body is required', code: 'required' }]);
  if (!isJsonContentType(event.headers['content-type'])) {
    throw new HttpProblem('unsupported-media-type', 'Send the body as application/json');
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem('malformed-json');
  }
  return parsePart('body', schema, json);
}

function headerValue(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name];
}

export function createApiHandler<T extends RouteTable>(
  routes: T,
  handlers: Handlers<T>,
  options: ApiHandlerOptions = {},
) {
  const ancestorsOf = options.ancestorsOf ?? defaultAncestorsOf;
  const table = new Map<string, Entry>();
  for (const [operationId, route] of Object.entries(routes)) {
    const handler = handlers[operationId as keyof T] as unknown as RouteHandler<RouteSpec>;
    table.set(routeKey(route), { operationId, route, handler });
  }

  async function dispatch(
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    event.headers ??= {};
    const incomingId = headerValue(event, 'x-request-id');
    const requestId =
      incomingId && REQUEST_ID_PATTERN.test(incomingId) ? incomingId : event.requestContext.requestId;
    logger.appendKeys({ requestId, route: event.routeKey });
    const instance = event.rawPath;
    let response: APIGatewayProxyStructuredResultV2;
    try {
      const entry = table.get(event.routeKey);
      if (!entry) throw new HttpProblem('not-found', `No route ${event.routeKey}`);
      response = await handle(entry, event, context, requestId);
    } catch (error) {
      const { problem, unexpected } = toProblem(error);
      if (unexpected) logger.error('request failed', { error: error as Error });
      else
        logger.info('request refused', {
          status: problem.status,
          type: problem.slug,
          detail: problem.message,
        });
      response = problemResponse(problem, instance, requestId);
    }
    response.headers = { ...response.headers, 'x-request-id': requestId };
    const status = response.statusCode ?? 200;
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    if (status >= 500) metrics.addMetric('ServerErrors', MetricUnit.Count, 1);
    else if (status >= 400) metrics.addMetric('ClientErrors', MetricUnit.Count, 1);
    logger.info('request done', { status: response.statusCode, method: event.requestContext.http.method });
    await apiCallMeter.flushIfDue();
    return response;
  }

  async function handle(
    entry: Entry,
    event: APIGatewayProxyEventV2,
    context: Context,
    requestId: string,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const { route, operationId } = entry;
    const raw = rawBodyOf(event);
    if (raw && raw.length > MAX_BODY_BYTES) {
      throw new HttpProblem('payload-too-large', `The body must not exceed ${MAX_BODY_BYTES} bytes`);
    }

    let principal: Principal | undefined;
    let scopes: ReturnType<typeof assertRoleAdmitted> = [];
    if (!isPublic(route.access)) {
      principal = await authenticate(headerValue(event, 'authorization'));
      apiCallMeter.count(principal.agencyCode);
      logger.appendKeys({ caller: principal.username });
      scopes = assertRoleAdmitted(route.access, principal);
    }

    const params = route.request?.params
      ? parsePart('path', route.request.params, event.pathParameters ?? {})
      : undefined;
    const query = route.request?.query
      ? parsePart('query', route.request.query, event.queryStringParameters ?? {})
      : undefined;
    const body = parseBody(route, event, raw);
    const ifMatch = route.ifMatch ? parseIfMatch(headerValue(event, 'if-match')) : undefined;

    let scopeChecked = false;
    const request = {
      operationId,
      params,
      query,
      body,
      principal,
      ifMatch,
      requestId,
      change: changeContextOf(principal, requestId),
      headers: event.headers,
      event,
      async authorize(target: AccessTarget) {
        scopeChecked = true;
        if (principal) await assertScope(route.access, principal, target, ancestorsOf);
      },
    } as unknown as RouteRequest<RouteSpec>;

    const run = async (): Promise<APIGatewayProxyStructuredResultV2> => {
      const reply = await entry.handler(request);
      if (
        principal &&
        !scopeChecked &&
        scopes.some(scopeNeedsTarget) &&
        !scopes.some((s) => !scopeNeedsTarget(s))
      ) {
        // A route admitted this caller only through a resource scope but never checked it: a bug, not a leak.
        throw new Error(`Route ${operationId} did not check the caller's scope`);
      }
      return toResponse(reply);
    };

    const idempotencyKey = route.idempotent ? headerValue(event, 'idempotency-key') : undefined;
    if (idempotencyKey === undefined || !principal) return run();
    if (!idempotencyKeyPattern.test(idempotencyKey)) {
      throw new ValidationError([
        {
          path: 'header.idempotency-key',
          message: 'Use 1-255 visible ASCII characters',
          code: 'invalid_format',
        },
      ]);
    }
    const fingerprint = `${event.routeKey}\n${event.rawPath}\n${raw?.toString('base64') ?? ''}`;
    const { response, replayed } = await runIdempotent(
      { operationId, callerSub: principal.sub, key: idempotencyKey, fingerprint, context },
      run,
    );
    if (replayed) response.headers = { ...response.headers, 'idempotent-replayed': 'true' };
    return response;
  }

  return middy(dispatch)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

export function changeContextOf(principal: Principal | undefined, requestId: string): ChangeContext {
  return {
    actor: principal
      ? {
          type: 'user',
          sub: principal.sub,
          username: principal.username,
          roles: [...principal.roles],
          ...(principal.agencyCode ? { agencyCode: principal.agencyCode } : {}),
        }
      : { type: 'system', name: 'anonymous' },
    correlationId: requestId,
  };
}

export function toResponse(reply: Reply): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.version !== undefined) headers.etag = etagOf(reply.version);
  if (reply.raw) {
    const isBinary = Buffer.isBuffer(reply.raw.body);
    return {
      statusCode: reply.status,
      headers: { 'content-type': reply.raw.contentType, ...headers },
      body: isBinary ? (reply.raw.body as Buffer).toString('base64') : (reply.raw.body as string),
      isBase64Encoded: isBinary,
    };
  }
  if (reply.body === undefined) return { statusCode: reply.status, headers };
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(reply.body),
  };
}
