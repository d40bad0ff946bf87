/**
 * API Gateway HTTP API emulation: matches a request against the route table the way API Gateway
 * does and builds the payload-format-2.0 event and a Lambda context for the handler.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { RouteEntry } from '#functions/routes.ts';
import { routeKey } from '#shared/http/route.ts';

interface CompiledRoute {
  entry: RouteEntry;
  routeKey: string;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
  greedy: boolean;
}

export interface RouteMatch {
  entry: RouteEntry;
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
}

function compile(entry: RouteEntry): CompiledRoute {
  const names: string[] = [];
  let literalSegments = 0;
  let greedy = false;
  const source = entry.route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
      if (!param) {
        literalSegments += 1;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      names.push(param[1]!);
      if (param[2]) {
        greedy = true;
        return '(.+)';
      }
      return '([^/]+)';
    })
    .join('/');
  return {
    entry,
    routeKey: routeKey(entry.route),
    pattern: new RegExp(`^${source}$`),
    names,
    literalSegments,
    greedy,
  };
}

export class RouteMatcher {
  readonly #routes: CompiledRoute[];

  constructor(entries: readonly RouteEntry[]) {
    // Most specific first: more literal segments, then non-greedy before greedy (API Gateway's priority).
    this.#routes = entries
      .map(compile)
      .sort((a, b) => b.literalSegments - a.literalSegments || Number(a.greedy) - Number(b.greedy));
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const route of this.#routes) {
      if (route.entry.route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      let pathParameters: Record<string, string> | undefined;
      try {
        pathParameters = route.names.length
          ? Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]))
          : undefined;
      } catch {
        continue; // malformed percent-encoding: not this route
      }
      return { entry: route.entry, routeKey: route.routeKey, pathParameters };
    }
    return undefined;
  }
}

const TEXT_TYPES =
  /^(?:text\/|application\/(?:json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|x-www-form-urlencoded|javascript))/i;

export function toApiGatewayEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  match: RouteMatch,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = name in query ? `${query[name]},${value}` : value;
  }
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length
      ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  };
}

export function lambdaContext(functionName: string, timeoutMs = 29_000): Context {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
