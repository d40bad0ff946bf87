import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { API_TITLE, API_VERSION, allRoutes } from '#functions/routes.ts';
import { PROBLEM_TYPES, problemTypeUri } from '#shared/http/errors.ts';
import { buildOpenApiDocument } from '#shared/http/openapi.ts';
import { isPublic } from '#shared/http/route.ts';

const document = buildOpenApiDocument(allRoutes, { title: API_TITLE, version: API_VERSION });
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

type Operation = { operationId: string; security?: unknown[]; parameters?: { name: string; in: string }[] };

function documentedOperations(): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (operation) operations.set(`${method.toUpperCase()} ${path}`, operation);
    }
  }
  return operations;
}

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3.1 with a third-party validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes exactly the routes of the route table, and nothing else', () => {
    const documented = documentedOperations();
    const declared = new Map(allRoutes.map((entry) => [`${entry.route.method} ${entry.route.path}`, entry]));
    expect([...documented.keys()].sort()).toEqual([...declared.keys()].sort());
    for (const [key, entry] of declared) expect(documented.get(key)?.operationId).toBe(entry.operationId);
  });

  it('requires a bearer token on every operation except the declared public ones', () => {
    const documented = documentedOperations();
    for (const entry of allRoutes) {
      const operation = documented.get(`${entry.route.method} ${entry.route.path}`)!;
      expect(operation.security, entry.operationId).toEqual(
        isPublic(entry.route.access) ? [] : [{ bearer: [] }],
      );
    }
  });

  it('documents the Idempotency-Key and If-Match headers where routes honour them', () => {
    const documented = documentedOperations();
    for (const entry of allRoutes) {
      const names = (documented.get(`${entry.route.method} ${entry.route.path}`)!.parameters ?? []).map(
        (p) => p.name,
      );
      expect(names.includes('idempotency-key'), entry.operationId).toBe(Boolean(entry.route.idempotent));
      expect(names.includes('if-match'), entry.operationId).toBe(Boolean(entry.route.ifMatch));
    }
  });

  it('lists every problem type in the API description', () => {
    for (const slug of Object.keys(PROBLEM_TYPES)) {
      expect(document.info.description).toContain(problemTypeUri(slug as keyof typeof PROBLEM_TYPES));
    }
  });
});
