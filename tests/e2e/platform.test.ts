/** Health, the served OpenAPI document and the docs page. */
import { describe, expect, it } from 'vitest';
import { call } from '#tests/support/http.ts';

describe('platform routes', () => {
  it('reports every backend up', async () => {
    const health = await call<{ status: string; backends: Record<string, { status: string }> }>(
      'GET',
      '/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(Object.keys(health.body.backends).sort()).toEqual(['dynamodb', 's3-audit-archive', 's3-files']);
    for (const backend of Object.values(health.body.backends)) expect(backend.status).toBe('up');
  });

  it('serves the OpenAPI 3.1 document and the docs page with its assets', async () => {
    const document = await call<{ openapi: string; paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(document.body.openapi).toBe('3.1.0');
    expect(document.body.paths['/v1/agencies/{code}']).toBeDefined();
    const docs = await call('GET', '/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.text).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    const bundle = await fetch(
      `${(await import('#tests/support/http.ts')).baseUrl()}/docs/assets/swagger-ui-bundle.js`,
    );
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await call('GET', '/docs/assets/..%2Fpackage.json')).status).toBe(400);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await call<{ type: string }>('GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('/problems/not-found');
  });
});
