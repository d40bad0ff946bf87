/**
 * The route table model. Each domain declares its HTTP operations once, as data; that declaration
 * feeds the Lambda router (shared/http/api-handler.ts), the CDK HTTP API (infra/cdk), the local
 * runtime (infra/local), the OpenAPI document (shared/http/openapi.ts) and the authorization tests.
 */
import type * as z from 'zod/mini';

export const ROLES = [
  'citizen',
  'clerk',
  'specialist',
  'leader',
  'agency-admin',
  'province-admin',
  'auditor',
  'integration',
] as const;
export type Role = (typeof ROLES)[number];

/** Every role that works for an agency (everyone but citizens). */
export const STAFF_ROLES = ROLES.filter((role) => role !== 'citizen');

/**
 * How a role reaches the resource a request touches:
 * - `any`: no tie to an agency or owner (reference data such as the agency registry);
 * - `agency`: the resource belongs to the caller's own agency;
 * - `agency-tree`: the caller's agency or one below it (a district reads its communes);
 * - `owner`: the resource belongs to the caller (citizens);
 * - `province`: anywhere in the province stack (province admins, auditors).
 */
export type Scope = 'any' | 'agency' | 'agency-tree' | 'owner' | 'province';

export type Access =
  | { readonly public: string } // the reason the route is public, required
  | { readonly roles: Readonly<Partial<Record<Role, Scope>>>; readonly deny?: 'forbidden' | 'not-found' };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// biome-ignore lint/suspicious/noExplicitAny: a schema of any shape
export type AnySchema = z.ZodMiniType<any, any>;

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: AnySchema;
  /** Defaults to application/json. */
  readonly contentType?: string;
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/agencies/{code}`; `{name+}` is greedy. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly access: Access;
  readonly request?: {
    readonly params?: AnySchema;
    readonly query?: AnySchema;
    readonly body?: AnySchema;
  };
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** A creating POST: honours `Idempotency-Key` (replay for 24 h, 422 on a different body). */
  readonly idempotent?: boolean;
  /** Honours `If-Match` (optimistic concurrency, 412 when stale). */
  readonly ifMatch?: boolean;
}

export type RouteTable = Readonly<Record<string, RouteSpec>>;

/** Declares a domain's routes; the keys are the OpenAPI operationIds. */
export function defineRoutes<const T extends RouteTable>(routes: T): T {
  return routes;
}

export function isPublic(access: Access): access is { readonly public: string } {
  return 'public' in access;
}

export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
