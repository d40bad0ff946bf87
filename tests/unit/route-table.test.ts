/** Rules every route declaration must follow; adding a route that breaks one fails the build. */
import { describe, expect, it } from 'vitest';
import { allRoutes, apiFunctions } from '#functions/routes.ts';
import { isPublic, ROLES, routeKey } from '#shared/http/route.ts';

/** Public routes outside /v1, each a platform concern. */
const UNVERSIONED = new Set(['/health', '/openapi.json', '/docs', '/docs/assets/{file}']);

describe('route table', () => {
  it('has unique operation ids and unique method + path pairs', () => {
    const ids = allRoutes.map((entry) => entry.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = allRoutes.map((entry) => routeKey(entry.route));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts every API path under /v1', () => {
    for (const { route, operationId } of allRoutes) {
      expect(route.path.startsWith('/v1/') || UNVERSIONED.has(route.path), operationId).toBe(true);
    }
  });

  it('declares an access rule on every route: a reason to be public, or roles with known scopes', () => {
    for (const { route, operationId } of allRoutes) {
      if (isPublic(route.access)) {
        expect(route.access.public.length, operationId).toBeGreaterThan(10);
        continue;
      }
      const entries = Object.entries(route.access.roles);
      expect(entries.length, operationId).toBeGreaterThan(0);
      for (const [role, scope] of entries) {
        expect(ROLES, operationId).toContain(role);
        expect(['any', 'agency', 'agency-tree', 'owner', 'province'], operationId).toContain(scope);
      }
    }
  });

  it('declares a path-parameter schema matching the placeholders of the path', () => {
    for (const { route, operationId } of allRoutes) {
      const placeholders = [...route.path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]).sort();
      const schema = route.request?.params as { def?: { shape?: Record<string, unknown> } } | undefined;
      const declared = Object.keys(schema?.def?.shape ?? {}).sort();
      expect(declared, operationId).toEqual(placeholders);
    }
  });

  it('makes every creating POST idempotent and every update honour If-Match', () => {
    for (const { route, operationId } of allRoutes) {
      if (route.method === 'POST' && 201 in route.responses) expect(route.idempotent, operationId).toBe(true);
      if (route.method === 'PATCH' || route.method === 'PUT') expect(route.ifMatch, operationId).toBe(true);
    }
  });

  it('gives every function an entry module under functions/', () => {
    for (const fn of apiFunctions) expect(fn.entry).toMatch(new RegExp(`^functions/${fn.id}/api\\.ts$`));
  });
});
