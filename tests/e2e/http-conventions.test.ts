/** The HTTP conventions every route shares, shown with real requests through the local runtime. */
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { call, createTestAgency, PROVINCE_ADMIN, testAgencyCode } from '#tests/support/http.ts';

type Problem = { type: string; status: number; title: string; detail: string; errors?: { path: string }[] };
type Agency = { code: string; name: string; version: number; address?: string };
type Page = { items: Agency[]; nextCursor: string | null };

function expectProblem(
  response: { status: number; headers: Headers; body: unknown },
  status: number,
  type: string,
) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect((response.body as Problem).type).toBe(`/problems/${type}`);
  expect((response.body as Problem).status).toBe(status);
}

describe('validation', () => {
  it('refuses an unknown body property with 400 and names it, writing nothing', async () => {
    const code = testAgencyCode();
    const response = await call<Problem>('POST', '/v1/agencies', {
      as: PROVINCE_ADMIN,
      body: { code, name: 'X', level: 'commune', parentCode: demoAgencies.vinhYen, isAdmin: true },
    });
    expectProblem(response, 400, 'validation-error');
    expect(response.body.errors).toContainEqual(expect.objectContaining({ path: 'body.isAdmin' }));
    expect((await call('GET', `/v1/agencies/${code}`, { as: PROVINCE_ADMIN })).status).toBe(404);
  });

  it('refuses an unknown query parameter and a bad path parameter', async () => {
    expectProblem(
      await call('GET', '/v1/agencies?colour=red', { as: 'clerk.vinhyen' }),
      400,
      'validation-error',
    );
    const bad = await call<Problem>('GET', '/v1/agencies/not-a-code', { as: 'clerk.vinhyen' });
    expectProblem(bad, 400, 'validation-error');
    expect(bad.body.errors?.[0]?.path).toBe('path.code');
  });

  it('refuses malformed JSON (400) and a non-JSON content type (415)', async () => {
    expectProblem(
      await call('POST', '/v1/agencies', {
        as: PROVINCE_ADMIN,
        rawBody: '{"code": ',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'malformed-json',
    );
    expectProblem(
      await call('POST', '/v1/agencies', {
        as: PROVINCE_ADMIN,
        rawBody: 'code=1',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'unsupported-media-type',
    );
  });

  it('refuses a body over 1 MB with 413', async () => {
    const big = JSON.stringify({ code: testAgencyCode(), name: 'x'.repeat(1024 * 1024), level: 'commune' });
    const response = await call('POST', '/v1/agencies', {
      as: PROVINCE_ADMIN,
      rawBody: big,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 413, 'payload-too-large');
  });
});

describe('correlation id', () => {
  it('echoes X-Request-Id, and makes one when absent or unusable', async () => {
    const echoed = await call('GET', '/health', { headers: { 'x-request-id': 'front-end.42:abc' } });
    expect(echoed.headers.get('x-request-id')).toBe('front-end.42:abc');
    const generated = await call('GET', '/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const injected = await call('GET', '/health', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(injected.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the request id in problem responses', async () => {
    const response = await call<Problem & { requestId: string }>('GET', '/v1/agencies/000.00.00.Q00', {
      as: 'clerk.vinhyen',
      headers: { 'x-request-id': 'trace-404' },
    });
    expectProblem(response, 404, 'not-found');
    expect(response.body.requestId).toBe('trace-404');
  });
});

describe('Idempotency-Key', () => {
  it('replays the stored response for the same key and body, creating once', async () => {
    const code = testAgencyCode();
    const body = { code, name: 'UBND xã Thử Nghiệm', level: 'commune', parentCode: demoAgencies.vinhYen };
    const headers = { 'idempotency-key': `create-${code}` };
    const first = await call<Agency>('POST', '/v1/agencies', { as: PROVINCE_ADMIN, body, headers });
    const second = await call<Agency>('POST', '/v1/agencies', { as: PROVINCE_ADMIN, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Without the key, the same create is a conflict: the replay above did not create twice.
    expectProblem(await call('POST', '/v1/agencies', { as: PROVINCE_ADMIN, body }), 409, 'conflict');
  });

  it('answers 422 when the key is reused with a different body', async () => {
    const key = `reuse-${testAgencyCode()}`;
    const a = { code: testAgencyCode(), name: 'A', level: 'commune', parentCode: demoAgencies.vinhYen };
    const b = { ...a, code: testAgencyCode() };
    expect(
      (
        await call('POST', '/v1/agencies', {
          as: PROVINCE_ADMIN,
          body: a,
          headers: { 'idempotency-key': key },
        })
      ).status,
    ).toBe(201);
    expectProblem(
      await call('POST', '/v1/agencies', {
        as: PROVINCE_ADMIN,
        body: b,
        headers: { 'idempotency-key': key },
      }),
      422,
      'idempotency-key-reused',
    );
    expect((await call('GET', `/v1/agencies/${b.code}`, { as: PROVINCE_ADMIN })).status).toBe(404);
  });

  it('does not store failures: after a 400 the same key works with a corrected body', async () => {
    const key = `retry-${testAgencyCode()}`;
    const good = { code: testAgencyCode(), name: 'B', level: 'commune', parentCode: demoAgencies.vinhYen };
    expect(
      (
        await call('POST', '/v1/agencies', {
          as: PROVINCE_ADMIN,
          body: { ...good, extra: 1 },
          headers: { 'idempotency-key': key },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/v1/agencies', {
          as: PROVINCE_ADMIN,
          body: good,
          headers: { 'idempotency-key': key },
        })
      ).status,
    ).toBe(201);
  });

  it('refuses a malformed key', async () => {
    const response = await call('POST', '/v1/agencies', {
      as: PROVINCE_ADMIN,
      body: { code: testAgencyCode(), name: 'C', level: 'commune', parentCode: demoAgencies.vinhYen },
      headers: { 'idempotency-key': 'x'.repeat(300) },
    });
    expectProblem(response, 400, 'validation-error');
  });
});

describe('ETag and If-Match', () => {
  it('sends an ETag, accepts the current one and refuses a stale one with 412', async () => {
    const code = await createTestAgency(demoAgencies.vinhYen);
    const read = await call<Agency>('GET', `/v1/agencies/${code}`, { as: 'clerk.vinhyen' });
    const etag = read.headers.get('etag')!;
    expect(etag).toBe(`"${read.body.version}"`);

    const update = await call<Agency>('PATCH', `/v1/agencies/${code}`, {
      as: PROVINCE_ADMIN,
      body: { address: 'Số 1 đường Kim Ngọc' },
      headers: { 'if-match': etag },
    });
    expect(update.status).toBe(200);
    expect(update.headers.get('etag')).toBe(`"${read.body.version + 1}"`);

    const stale = await call('PATCH', `/v1/agencies/${code}`, {
      as: PROVINCE_ADMIN,
      body: { address: 'lost update' },
      headers: { 'if-match': etag },
    });
    expectProblem(stale, 412, 'precondition-failed');
    const after = await call<Agency>('GET', `/v1/agencies/${code}`, { as: 'clerk.vinhyen' });
    expect(after.body.address).toBe('Số 1 đường Kim Ngọc');
  });

  it('lets only one of two concurrent writers with the same ETag win', async () => {
    const code = await createTestAgency(demoAgencies.vinhYen);
    const etag = (await call('GET', `/v1/agencies/${code}`, { as: PROVINCE_ADMIN })).headers.get('etag')!;
    const results = await Promise.all(
      ['Địa chỉ A', 'Địa chỉ B', 'Địa chỉ C'].map((address) =>
        call('PATCH', `/v1/agencies/${code}`, {
          as: PROVINCE_ADMIN,
          body: { address },
          headers: { 'if-match': etag },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412]);
  });
});

describe('cursor pagination', () => {
  it('walks every agency exactly once while other agencies are being added', async () => {
    const before: Page = (await call<Page>('GET', '/v1/agencies?limit=100', { as: PROVINCE_ADMIN })).body;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: { status: number; body: Page } = await call<Page>('GET', `/v1/agencies${query}`, {
        as: 'clerk.vinhyen',
      });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.items.map((agency) => agency.code));
      if (pages === 1) await createTestAgency(demoAgencies.vinhYen); // a write between pages
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 200);
    expect(new Set(seen).size).toBe(seen.length); // no duplicates
    expect([...seen].sort()).toEqual(seen); // stable order
    for (const agency of before.items) expect(seen).toContain(agency.code); // nothing skipped
    expect(pages).toBeGreaterThan(3);
  });

  it('filters by level and parent', async () => {
    const districts = await call<Page>('GET', '/v1/agencies?level=district&limit=100', {
      as: 'clerk.vinhyen',
    });
    // Other tests build whole trees of their own (tests/support/report-scenario.ts): the demo
    // province's districts are its H62 codes; every row is a district.
    expect(districts.body.items.every((a) => (a as Agency & { level: string }).level === 'district')).toBe(
      true,
    );
    expect(districts.body.items.filter((a) => a.code.endsWith('.H62'))).toHaveLength(9);
    const communes = await call<Page>(`GET`, `/v1/agencies?parent=${demoAgencies.phucYen}&level=commune`, {
      as: 'clerk.vinhyen',
    });
    expect(communes.body.items.map((a) => a.code)).toContain(demoAgencies.trungTrac);
    expect(
      communes.body.items.every(
        (a) => (a as Agency & { parentCode: string }).parentCode === demoAgencies.phucYen,
      ),
    ).toBe(true);
  });

  it('refuses a limit out of range, a forged cursor and a cursor from another query', async () => {
    expectProblem(
      await call('GET', '/v1/agencies?limit=0', { as: 'clerk.vinhyen' }),
      400,
      'validation-error',
    );
    expectProblem(
      await call('GET', '/v1/agencies?limit=101', { as: 'clerk.vinhyen' }),
      400,
      'validation-error',
    );
    expectProblem(
      await call('GET', '/v1/agencies?cursor=garbage', { as: 'clerk.vinhyen' }),
      400,
      'invalid-cursor',
    );
    const byLevel = await call<Page>('GET', '/v1/agencies?level=district&limit=2', { as: 'clerk.vinhyen' });
    const foreign = encodeURIComponent(byLevel.body.nextCursor!);
    expectProblem(
      await call('GET', `/v1/agencies?limit=2&cursor=${foreign}`, { as: 'clerk.vinhyen' }),
      400,
      'invalid-cursor',
    );
  });
});
