/** Issue 11: the typed client drives a dossier from submission to returned result, with problem details on errors. */
import { describe, expect, it } from 'vitest';
import { baseUrl } from '#tests/support/http.ts';
import { localToken, runDossierLifecycle } from '../../clients/typescript/examples/dossier-lifecycle.ts';
import { createPlatformClient, ProblemError, unwrap } from '../../clients/typescript/src/index.ts';

describe('typed API client against the local runtime', () => {
  it('submits, receives, processes and returns a dossier (the worked example)', async () => {
    const lines: string[] = [];
    const { submitted, returned, seen } = await runDossierLifecycle(baseUrl(), (line) => lines.push(line));
    expect(submitted.status).toBe('submitted');
    expect(returned.status).toBe('returned');
    expect(returned.code).toMatch(/\S/);
    expect(['early', 'on-time', 'late']).toContain(returned.outcome);
    expect(seen.dossier.id).toBe(submitted.id);
    expect(seen.dossier.status).toBe('returned');
    expect(lines).toContain('return → returned');
  });

  it('turns an error answer into a ProblemError with the problem details', async () => {
    const api = createPlatformClient({
      baseUrl: baseUrl(),
      token: async () => localToken(baseUrl(), 'clerk.tichson'),
    });
    const error = await unwrap(
      api.GET('/v1/dossiers/{id}', { params: { path: { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    const problem = error as ProblemError;
    expect([400, 404]).toContain(problem.status);
    expect(problem.problem?.type).toMatch(/^\/problems\//);

    const health = await unwrap(createPlatformClient({ baseUrl: baseUrl() }).GET('/health'));
    expect(health).toMatchObject({ status: expect.any(String) });
  });
});
