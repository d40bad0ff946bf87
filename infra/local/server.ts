/**
 * The local HTTP front door: serves the route table by invoking the same Lambda handlers the CDK
 * stack deploys, with API Gateway v2 events; plus the local-only token endpoints under /local.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { type ApiFunction, allRoutes } from '#functions/routes.ts';
import { HttpProblem } from '#shared/http/errors.ts';
import { problemResponse } from '#shared/http/problem.ts';
import type { DemoUser } from '../provinces/province-config.ts';
import { lambdaContext, RouteMatcher, toApiGatewayEvent } from './apigw.ts';
import type { LocalIssuer } from './issuer.ts';
import { localSigning } from './signing.ts';

/** API Gateway's own payload limit; the handlers enforce the API's 1 MB limit themselves. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalServerOptions {
  functions: readonly ApiFunction[];
  issuer: () => LocalIssuer;
  users: readonly DemoUser[];
  /** Waits until the local event path is idle (POST /local/events/drain, for tests and demos). */
  drainEvents?: () => Promise<void>;
  /** Runs a scheduled worker now (POST /local/workers/{id}/run). */
  runWorker?: (id: string) => Promise<unknown>;
  /** Loads a function's handler module; defaults to importing its entry. */
  loadHandler?: (fn: ApiFunction) => Promise<LambdaHandler>;
}

const TokenRequest = z.strictObject({
  username: z.string(),
  expiresInSeconds: z.optional(z.number().check(z.int(), z.minimum(60), z.maximum(86_400))),
});

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  if (body) headers['content-length'] = String(body.length);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export function createLocalServer(options: LocalServerOptions): Server {
  const routes = allRoutes.filter((entry) => options.functions.some((fn) => fn.id === entry.functionId));
  const matcher = new RouteMatcher(routes);
  const byId = new Map(options.functions.map((fn) => [fn.id, fn]));
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const load =
    options.loadHandler ??
    (async (fn: ApiFunction) =>
      (await import(/* @vite-ignore */ `../../${fn.entry}`)).handler as LambdaHandler);

  async function local(
    method: string,
    path: string,
    body: Buffer,
  ): Promise<APIGatewayProxyStructuredResultV2 | undefined> {
    if (method === 'GET' && path === '/local/.well-known/jwks.json') return json(200, options.issuer().jwks);
    if (method === 'GET' && path === '/local/users') {
      return json(200, {
        items: options.users.map(({ username, fullName, roles, agencyCode }) => ({
          username,
          fullName,
          roles,
          agencyCode,
        })),
      });
    }
    const signing = await localSigning(method, path, body, options.users);
    if (signing) return json(signing.statusCode, signing.body);
    if (method === 'POST' && path === '/local/events/drain') {
      await options.drainEvents?.();
      return { statusCode: 204 };
    }
    const worker = /^\/local\/workers\/([a-z0-9-]+)\/run$/.exec(path);
    if (method === 'POST' && worker && options.runWorker) {
      try {
        return json(200, { result: (await options.runWorker(worker[1]!)) ?? null });
      } catch (error) {
        throw new HttpProblem('not-found', error instanceof Error ? error.message : String(error));
      }
    }
    if (method === 'POST' && path === '/local/token') {
      let parsed: z.infer<typeof TokenRequest>;
      try {
        parsed = TokenRequest.parse(JSON.parse(body.toString('utf8') || '{}'));
      } catch {
        throw new HttpProblem('validation-error', 'Send {"username": "…"}; see GET /local/users');
      }
      const user = options.users.find((candidate) => candidate.username === parsed.username);
      if (!user) throw new HttpProblem('not-found', `No demo user ${parsed.username}; see GET /local/users`);
      const expiresIn = parsed.expiresInSeconds ?? 3600;
      const token = await options.issuer().mint(user, { expiresInSeconds: expiresIn });
      return json(200, {
        token,
        tokenType: 'Bearer',
        expiresIn,
        user: { username: user.username, roles: user.roles, agencyCode: user.agencyCode },
      });
    }
    return undefined;
  }

  return createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    try {
      let body: Buffer;
      try {
        body = await readBody(request);
      } catch (error) {
        if (error instanceof BodyTooLarge) throw new HttpProblem('payload-too-large');
        throw error;
      }
      const localResult = url.pathname.startsWith('/local/')
        ? await local(method, url.pathname, body)
        : undefined;
      if (localResult) return send(response, localResult);

      const match = matcher.match(method, url.pathname);
      if (!match) throw new HttpProblem('not-found', `No route ${method} ${url.pathname}`);
      const fn = byId.get(match.entry.functionId)!;
      let handler = handlers.get(fn.id);
      if (!handler) {
        handler = load(fn);
        handlers.set(fn.id, handler);
      }
      const event = toApiGatewayEvent(request, url, body, match);
      send(response, await (await handler)(event, lambdaContext(fn.id)));
    } catch (error) {
      const problem = error instanceof HttpProblem ? error : new HttpProblem('internal');
      if (!(error instanceof HttpProblem)) console.error('local runtime error', error);
      send(response, problemResponse(problem, url.pathname, 'local'));
    }
  });
}
