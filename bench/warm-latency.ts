/**
 * Warm, in-process latency: the API handlers (the modules the CDK deploys, run from source) are
 * invoked in this process with API Gateway v2 events built by the local runtime's own emulation
 * (infra/local/apigw.ts), next to the raw SDK calls each endpoint makes, sent with the same
 * document client. Samples alternate between the two so drift in the engines affects both alike.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { allRoutes, apiFunctions } from '#functions/routes.ts';
import { REPO_ROOT } from '#infra/cdk/paths.ts';
import { lambdaContext, RouteMatcher, toApiGatewayEvent } from '#infra/local/apigw.ts';
import { ratio, type Summary, summarize } from './stats.ts';

type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const matcher = new RouteMatcher(allRoutes);
const handlers = new Map<string, Promise<LambdaHandler>>();

function handlerOf(functionId: string): Promise<LambdaHandler> {
  let handler = handlers.get(functionId);
  if (!handler) {
    const fn = apiFunctions.find((candidate) => candidate.id === functionId);
    if (!fn) throw new Error(`No API function ${functionId}`);
    handler = import(pathToFileURL(join(REPO_ROOT, fn.entry)).href).then(
      (module: { handler: LambdaHandler }) => module.handler,
    );
    handlers.set(functionId, handler);
  }
  return handler;
}

export interface ApiCall {
  readonly method: 'GET' | 'POST';
  /** Path and query string. */
  readonly path: string;
  readonly token: string;
  readonly body?: unknown;
}

/** The event API Gateway (and the local runtime) would give the handler for this request. */
export function apiEvent(call: ApiCall): { functionId: string; event: APIGatewayProxyEventV2 } {
  const url = new URL(call.path, 'http://127.0.0.1');
  const match = matcher.match(call.method, url.pathname);
  if (!match) throw new Error(`No route ${call.method} ${url.pathname}`);
  const request = new IncomingMessage(new Socket());
  request.method = call.method;
  request.httpVersion = '1.1';
  request.headers = {
    host: '127.0.0.1',
    'user-agent': 'vnpp-bench',
    authorization: `Bearer ${call.token}`,
    ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const body = Buffer.from(call.body === undefined ? '' : JSON.stringify(call.body));
  return { functionId: match.entry.functionId, event: toApiGatewayEvent(request, url, body, match) };
}

export async function invoke(call: ApiCall): Promise<APIGatewayProxyStructuredResultV2> {
  const { functionId, event } = apiEvent(call);
  return (await handlerOf(functionId))(event, lambdaContext(functionId));
}

export interface Endpoint {
  /** As in the route table, e.g. `GET /v1/agencies/{code}`. */
  readonly name: string;
  readonly call: ApiCall;
  /** What the handler sends to DynamoDB, in words. */
  readonly sdkCalls: string;
  /** The same SDK calls, sent directly. */
  readonly raw: () => Promise<unknown>;
}

export interface EndpointLatency {
  readonly endpoint: string;
  readonly sdkCalls: string;
  readonly handler: Summary;
  readonly raw: Summary;
  /** p99(handler) / p99(raw). */
  readonly overheadP99: number;
  readonly overheadP50: number;
}

function timers(endpoint: Endpoint, functionId: string, handler: LambdaHandler) {
  return {
    async handler(): Promise<number> {
      const { event } = apiEvent(endpoint.call);
      const context = lambdaContext(functionId);
      const started = performance.now();
      const result = await handler(event, context);
      const ms = performance.now() - started;
      if (result.statusCode !== 200) {
        throw new Error(`${endpoint.name} answered ${result.statusCode}: ${result.body ?? ''}`);
      }
      return ms;
    },
    async raw(): Promise<number> {
      const started = performance.now();
      await endpoint.raw();
      return performance.now() - started;
    },
  };
}

async function timersOf(endpoint: Endpoint) {
  const { functionId } = apiEvent(endpoint.call);
  return timers(endpoint, functionId, await handlerOf(functionId));
}

/**
 * Untimed rounds of the handler and the raw calls: JIT compilation in this process and in
 * DynamoDB Local's JVM, connection pools, and the first call's JWKS fetch (cached afterwards).
 */
export async function warmUp(endpoint: Endpoint, rounds: number): Promise<void> {
  const time = await timersOf(endpoint);
  for (let i = 0; i < rounds; i += 1) {
    await time.handler();
    await time.raw();
  }
}

export async function measureEndpoint(
  endpoint: Endpoint,
  options: { warmup: number; samples: number },
): Promise<EndpointLatency> {
  const time = await timersOf(endpoint);
  await warmUp(endpoint, options.warmup);
  const handlerTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < options.samples; i += 1) {
    if (i % 2 === 0) {
      handlerTimes.push(await time.handler());
      rawTimes.push(await time.raw());
    } else {
      rawTimes.push(await time.raw());
      handlerTimes.push(await time.handler());
    }
  }
  const handlerSummary = summarize(handlerTimes);
  const rawSummary = summarize(rawTimes);
  return {
    endpoint: endpoint.name,
    sdkCalls: endpoint.sdkCalls,
    handler: handlerSummary,
    raw: rawSummary,
    overheadP99: ratio(handlerSummary.p99, rawSummary.p99),
    overheadP50: ratio(handlerSummary.p50, rawSummary.p50),
  };
}
