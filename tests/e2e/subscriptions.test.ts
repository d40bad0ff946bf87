/** Webhook subscriptions over HTTP: CRUD, roles and scope, the secret shown once, rotation. */
import { afterAll, describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import type { AuditRecord } from '#shared/audit/chain.ts';
import { call, PROVINCE_ADMIN, unique } from '#tests/support/http.ts';

type Subscription = {
  id: string;
  agencyCode: string;
  url: string;
  eventTypes: string[];
  status: 'active' | 'paused';
  scope: 'agency' | 'province';
  secretHint: string;
  previousSecretExpiresAt?: string;
  version: number;
  secret?: string;
};
type Page<T> = { items: T[]; nextCursor: string | null };
type Problem = { type: string; errors?: { path: string; code: string }[] };

const ADMIN = 'admin.vinhyen';
/** `.invalid` never resolves (RFC 2606): nothing is ever sent there. */
const receiverUrl = () => `https://receiver-${unique()}.vinhyen.invalid/vnpp/events`;

/** Subscriptions made here, deleted at the end so that no later event is fanned out to them. */
const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.map((id) => call('DELETE', `/v1/subscriptions/${id}`, { as: PROVINCE_ADMIN })));
});

async function subscribe(as = ADMIN, body: Record<string, unknown> = {}) {
  const response = await call<Subscription>('POST', '/v1/subscriptions', {
    as,
    body: { url: receiverUrl(), eventTypes: ['AgencyCreated', 'AgencyUpdated'], ...body },
  });
  expect(response.status, response.text).toBe(201);
  created.push(response.body.id);
  return response;
}

describe('creating a subscription', () => {
  it('answers 201 with Location, ETag and the secret, which is never shown again', async () => {
    const created = await subscribe(ADMIN, { description: 'Hệ thống QLVB Vĩnh Yên' });
    const { id, secret } = created.body;
    expect(created.headers.get('location')).toBe(`/v1/subscriptions/${id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({
      agencyCode: demoAgencies.vinhYen,
      status: 'active',
      scope: 'agency',
      eventTypes: ['AgencyCreated', 'AgencyUpdated'],
      version: 1,
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.body.secretHint).toBe(secret!.slice(-4));

    const read = await call<Subscription>('GET', `/v1/subscriptions/${id}`, { as: ADMIN });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body.secret).toBeUndefined();
    expect(read.text).not.toContain(secret!);
    expect(read.text).not.toContain('whsec_');
    expect(read.body.secretHint).toBe(secret!.slice(-4));

    const list = await call<Page<Subscription>>('GET', '/v1/subscriptions?limit=100', { as: ADMIN });
    expect(list.status).toBe(200);
    expect(list.body.items.map((s) => s.id)).toContain(id);
    expect(list.text).not.toContain('whsec_');
  });

  it('replays an Idempotency-Key instead of creating twice', async () => {
    const key = `sub-${unique()}`;
    const body = { url: receiverUrl(), eventTypes: ['AgencyCreated'] };
    const first = await call<Subscription>('POST', '/v1/subscriptions', {
      as: ADMIN,
      body,
      headers: { 'idempotency-key': key },
    });
    const again = await call<Subscription>('POST', '/v1/subscriptions', {
      as: ADMIN,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    created.push(first.body.id);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses URLs the platform must not call, and unknown event types', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'http://lgsp.vinhphuc.gov.vn/hooks' }, 'body.url'],
      [{ url: 'https://169.254.169.254/latest/meta-data/' }, 'body.url'],
      [{ url: 'https://10.0.0.8/hook' }, 'body.url'],
      [{ url: 'https://192.168.1.10/hook' }, 'body.url'],
      [{ url: 'https://user:pw@hooks.vinhyen.invalid/' }, 'body.url'],
      [{ eventTypes: ['DossierEaten'] }, 'body.eventTypes.0'],
      [{ eventTypes: [] }, 'body.eventTypes'],
      [{ secret: 'my-own' }, 'body'],
    ];
    for (const [override, path] of cases) {
      const response = await call<Problem>('POST', '/v1/subscriptions', {
        as: ADMIN,
        body: { url: receiverUrl(), eventTypes: ['AgencyCreated'], ...override },
      });
      expect(response.status, JSON.stringify(override)).toBe(400);
      expect(response.body.errors?.map((e) => e.path).join(' '), JSON.stringify(override)).toContain(path);
    }
  });

  it('records the change in the owning agency’s audit chain', async () => {
    const { id } = (await subscribe()).body;
    await call('PATCH', `/v1/subscriptions/${id}`, { as: ADMIN, body: { status: 'paused' } });
    const audit = await call<Page<AuditRecord>>('GET', `/v1/audit?entityId=${id}`, {
      as: 'auditor.province',
    });
    expect(audit.body.items.map((r) => [r.action, r.chain])).toEqual([
      ['subscription.created', demoAgencies.vinhYen],
      ['subscription.updated', demoAgencies.vinhYen],
    ]);
  });
});

describe('roles and scope', () => {
  it('admits agency admins, integration clients and province admins only', async () => {
    for (const user of ['clerk.vinhyen', 'leader.vinhyen', 'auditor.province', 'citizen.an']) {
      const response = await call('POST', '/v1/subscriptions', {
        as: user,
        body: { url: receiverUrl(), eventTypes: ['AgencyCreated'] },
      });
      expect(response.status, user).toBe(403);
      expect((await call('GET', '/v1/subscriptions', { as: user })).status, user).toBe(403);
    }
    const lgsp = await subscribe('integration.lgsp');
    expect(lgsp.body.agencyCode).toBe(demoAgencies.province);
  });

  it("hides another agency's subscription behind 404, on every route", async () => {
    const { id } = (await subscribe()).body;
    const other = 'admin.sotttt';
    expect((await call('GET', `/v1/subscriptions/${id}`, { as: other })).status).toBe(404);
    expect(
      (await call('PATCH', `/v1/subscriptions/${id}`, { as: other, body: { status: 'paused' } })).status,
    ).toBe(404);
    expect((await call('POST', `/v1/subscriptions/${id}/rotate-secret`, { as: other })).status).toBe(404);
    expect((await call('GET', `/v1/subscriptions/${id}/deliveries`, { as: other })).status).toBe(404);
    expect((await call('DELETE', `/v1/subscriptions/${id}`, { as: other })).status).toBe(404);
    const theirs = await call<Page<Subscription>>('GET', '/v1/subscriptions?limit=100', { as: other });
    expect(theirs.body.items.map((s) => s.id)).not.toContain(id);
    // …and it is still there for its owner.
    expect((await call('GET', `/v1/subscriptions/${id}`, { as: ADMIN })).status).toBe(200);
  });

  it('lets only province admins act for another agency', async () => {
    const forOther = await call('POST', '/v1/subscriptions', {
      as: ADMIN,
      body: { url: receiverUrl(), eventTypes: ['AgencyCreated'], agencyCode: demoAgencies.phucYen },
    });
    expect(forOther.status).toBe(403);
    expect(
      (await call('GET', `/v1/subscriptions?agencyCode=${demoAgencies.phucYen}`, { as: ADMIN })).status,
    ).toBe(403);

    const byProvince = await subscribe(PROVINCE_ADMIN, { agencyCode: demoAgencies.phucYen });
    expect(byProvince.body.agencyCode).toBe(demoAgencies.phucYen);
    const listed = await call<Page<Subscription>>(
      'GET',
      `/v1/subscriptions?agencyCode=${demoAgencies.phucYen}&limit=100`,
      { as: PROVINCE_ADMIN },
    );
    expect(listed.body.items.map((s) => s.id)).toContain(byProvince.body.id);
    expect(
      (await call('GET', `/v1/subscriptions/${byProvince.body.id}`, { as: PROVINCE_ADMIN })).status,
    ).toBe(200);

    const missing = await call<Problem>('POST', '/v1/subscriptions', {
      as: PROVINCE_ADMIN,
      body: { url: receiverUrl(), eventTypes: ['AgencyCreated'], agencyCode: '999.999.99.T99' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0]?.path).toBe('body.agencyCode');
  });

  it('gives the province scope only to the province’s own agency', async () => {
    const lgsp = await subscribe('integration.lgsp', { scope: 'province' });
    expect(lgsp.body.scope).toBe('province');
    const district = await call('POST', '/v1/subscriptions', {
      as: ADMIN,
      body: { url: receiverUrl(), eventTypes: ['AgencyCreated'], scope: 'province' },
    });
    expect(district.status).toBe(403);
  });

  it('pages through an agency’s subscriptions with a cursor', async () => {
    for (let i = 0; i < 3; i++) await subscribe('admin.sotttt');
    const first = await call<Page<Subscription>>('GET', '/v1/subscriptions?limit=2', { as: 'admin.sotttt' });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await call<Page<Subscription>>(
      'GET',
      `/v1/subscriptions?limit=2&cursor=${first.body.nextCursor}`,
      { as: 'admin.sotttt' },
    );
    expect(second.status).toBe(200);
    expect(second.body.items.map((s) => s.id)).not.toContain(first.body.items[0]!.id);
    const foreign = await call<Problem>('GET', `/v1/subscriptions?limit=2&cursor=${first.body.nextCursor}`, {
      as: ADMIN,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.type).toBe('/problems/invalid-cursor');
  });
});

describe('changing a subscription', () => {
  it('updates with If-Match and refuses a stale ETag with 412', async () => {
    const { id } = (await subscribe()).body;
    const paused = await call<Subscription>('PATCH', `/v1/subscriptions/${id}`, {
      as: ADMIN,
      body: { status: 'paused', eventTypes: ['AgencyDeleted'], url: receiverUrl() },
      headers: { 'if-match': '"1"' },
    });
    expect(paused.status).toBe(200);
    expect(paused.headers.get('etag')).toBe('"2"');
    expect(paused.body).toMatchObject({ status: 'paused', eventTypes: ['AgencyDeleted'], version: 2 });
    const stale = await call('PATCH', `/v1/subscriptions/${id}`, {
      as: ADMIN,
      body: { status: 'active' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const bad = await call('PATCH', `/v1/subscriptions/${id}`, {
      as: ADMIN,
      body: { url: 'https://172.16.5.5/' },
    });
    expect(bad.status).toBe(400);
    expect((await call('PATCH', `/v1/subscriptions/${id}`, { as: ADMIN, body: {} })).status).toBe(400);
  });

  it('rotates the secret: the new one is shown once, the old one keeps signing for 24 h', async () => {
    const created = (await subscribe()).body;
    const rotated = await call<Subscription>('POST', `/v1/subscriptions/${created.id}/rotate-secret`, {
      as: ADMIN,
      headers: { 'if-match': '"1"' },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('etag')).toBe('"2"');
    const secret = rotated.body.secret!;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    expect(rotated.body.secretHint).toBe(secret.slice(-4));
    const expires = Date.parse(rotated.body.previousSecretExpiresAt!);
    expect(Math.abs(expires - (Date.now() + 24 * 3600_000))).toBeLessThan(60_000);

    const read = await call<Subscription>('GET', `/v1/subscriptions/${created.id}`, { as: ADMIN });
    expect(read.text).not.toContain(secret);
    expect(read.text).not.toContain(created.secret!);
    expect(read.body.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
    expect(
      (
        await call('POST', `/v1/subscriptions/${created.id}/rotate-secret`, {
          as: ADMIN,
          headers: { 'if-match': '"1"' },
        })
      ).status,
    ).toBe(412);
  });

  it('deletes, then answers 404', async () => {
    const { id } = (await subscribe()).body;
    expect((await call('DELETE', `/v1/subscriptions/${id}`, { as: ADMIN })).status).toBe(204);
    expect((await call('GET', `/v1/subscriptions/${id}`, { as: ADMIN })).status).toBe(404);
    expect((await call('DELETE', `/v1/subscriptions/${id}`, { as: ADMIN })).status).toBe(404);
    expect((await call('GET', `/v1/subscriptions/${id}/deliveries`, { as: ADMIN })).status).toBe(404);
  });

  it('lists no deliveries for a new subscription, and refuses a malformed id', async () => {
    const { id } = (await subscribe()).body;
    const deliveries = await call<Page<unknown>>('GET', `/v1/subscriptions/${id}/deliveries`, { as: ADMIN });
    expect(deliveries.status).toBe(200);
    expect(deliveries.body).toEqual({ items: [], nextCursor: null });
    expect((await call('GET', '/v1/subscriptions/not-a-uuid', { as: ADMIN })).status).toBe(400);
  });
});
