import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '#functions/routes.ts';
import { RouteMatcher } from '#infra/local/apigw.ts';
import type { RouteSpec } from '#shared/http/route.ts';

const route = (method: RouteSpec['method'], path: string, operationId: string): RouteEntry => ({
  operationId,
  functionId: 'f',
  route: { method, path, summary: '', tags: [], access: { public: 'test route only' }, responses: {} },
});

describe('local API Gateway route matching', () => {
  const matcher = new RouteMatcher([
    route('GET', '/v1/items/{id}', 'getItem'),
    route('GET', '/v1/items/search', 'search'),
    route('GET', '/v1/files/{path+}', 'getFile'),
    route('POST', '/v1/items', 'createItem'),
  ]);

  it('prefers literal segments over parameters, whatever the declaration order', () => {
    expect(matcher.match('GET', '/v1/items/search')?.entry.operationId).toBe('search');
    expect(matcher.match('GET', '/v1/items/42')?.pathParameters).toEqual({ id: '42' });
  });

  it('decodes path parameters and supports greedy parameters', () => {
    expect(matcher.match('GET', '/v1/items/a%20b')?.pathParameters).toEqual({ id: 'a b' });
    expect(matcher.match('GET', '/v1/files/a/b/c.pdf')?.pathParameters).toEqual({ path: 'a/b/c.pdf' });
  });

  it('matches on method and gives the API Gateway route key', () => {
    expect(matcher.match('POST', '/v1/items')?.routeKey).toBe('POST /v1/items');
    expect(matcher.match('DELETE', '/v1/items')).toBeUndefined();
    expect(matcher.match('GET', '/v1/items/%E0%A4%A')).toBeUndefined();
  });
});
