/** The agency registry: tree rules, roles, and the demo province seed. */
import { describe, expect, it } from 'vitest';
import vinhPhuc, { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { call, createTestAgency, PROVINCE_ADMIN, testAgencyCode } from '#tests/support/http.ts';

type Agency = {
  code: string;
  parentCode: string | null;
  ancestors: string[];
  level: string;
  childCount: number;
};
type Page = { items: Agency[]; nextCursor: string | null };

describe('demo province seed', () => {
  it('holds the province, its departments, its 9 districts and sample communes', async () => {
    // Other tests add agencies (codes in the T group) while this runs: count the seed's H62 codes.
    const count = async (level: string) =>
      (
        await call<Page>('GET', `/v1/agencies?level=${level}&limit=100`, { as: 'citizen.an' })
      ).body.items.filter((agency) => agency.code.endsWith('.H62')).length;
    expect(await count('province')).toBe(1);
    expect(await count('department')).toBeGreaterThanOrEqual(19);
    expect(await count('district')).toBe(9);
    expect(await count('commune')).toBe(vinhPhuc.agencies.filter((a) => a.level === 'commune').length);
  });

  it('stores the path from the root for each agency', async () => {
    const commune = await call<Agency>('GET', `/v1/agencies/${demoAgencies.tichSon}`, { as: 'citizen.an' });
    expect(commune.body.ancestors).toEqual([demoAgencies.province, demoAgencies.vinhYen]);
    const roots = await call<Page>('GET', '/v1/agencies?parent=ROOT', { as: 'citizen.an' });
    expect(roots.body.items.map((a) => a.code)).toContain(demoAgencies.province);
  });
});

describe('tree rules', () => {
  it('needs an existing parent', async () => {
    const response = await call<{ errors: { path: string }[] }>('POST', '/v1/agencies', {
      as: PROVINCE_ADMIN,
      body: { code: testAgencyCode(), name: 'Orphan', level: 'commune', parentCode: '123.456.78.T90' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0]?.path).toBe('body.parentCode');
  });

  it('validates the agency code shape (Decision 20/2020)', async () => {
    for (const code of ['H62', '000.00.00', '000.00.00.h62', '0000.00.00.H62', '000.00.00.H6']) {
      const response = await call('POST', '/v1/agencies', {
        as: PROVINCE_ADMIN,
        body: { code, name: 'X', level: 'commune' },
      });
      expect(response.status, code).toBe(400);
    }
  });

  it('refuses to delete an agency with children (409), deletes a leaf (204)', async () => {
    const parent = await createTestAgency(demoAgencies.vinhYen);
    const child = await createTestAgency(parent);
    expect(
      (await call<Agency>('GET', `/v1/agencies/${parent}`, { as: PROVINCE_ADMIN })).body.childCount,
    ).toBe(1);

    const refused = await call<{ type: string }>('DELETE', `/v1/agencies/${parent}`, { as: PROVINCE_ADMIN });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/conflict');

    expect((await call('DELETE', `/v1/agencies/${child}`, { as: PROVINCE_ADMIN })).status).toBe(204);
    expect((await call('GET', `/v1/agencies/${child}`, { as: PROVINCE_ADMIN })).status).toBe(404);
    expect(
      (await call<Agency>('GET', `/v1/agencies/${parent}`, { as: PROVINCE_ADMIN })).body.childCount,
    ).toBe(0);
    expect((await call('DELETE', `/v1/agencies/${parent}`, { as: PROVINCE_ADMIN })).status).toBe(204);
  });

  it('refuses a duplicate code with 409', async () => {
    const code = await createTestAgency(demoAgencies.vinhYen);
    const again = await call('POST', '/v1/agencies', {
      as: PROVINCE_ADMIN,
      body: { code, name: 'Again', level: 'commune', parentCode: demoAgencies.vinhYen },
    });
    expect(again.status).toBe(409);
  });

  it('answers 201 with Location and ETag, and lets only province admins create or delete', async () => {
    const code = testAgencyCode();
    const created = await call<Agency>('POST', '/v1/agencies', {
      as: PROVINCE_ADMIN,
      body: {
        code,
        name: 'UBND xã Mới',
        level: 'commune',
        parentCode: demoAgencies.phucYen,
        email: 'xamoi@vinhphuc.gov.vn',
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/agencies/${code}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body.ancestors).toEqual([demoAgencies.province, demoAgencies.phucYen]);
    for (const user of [
      'clerk.phucyen',
      'leader.province',
      'admin.sotttt',
      'auditor.province',
      'citizen.an',
    ]) {
      expect((await call('DELETE', `/v1/agencies/${code}`, { as: user })).status, user).toBe(403);
    }
  });

  it('removes an optional field with null and refuses an empty patch', async () => {
    const code = await createTestAgency(demoAgencies.vinhYen, { address: 'Thôn 1' });
    const cleared = await call<Agency & { address?: string }>('PATCH', `/v1/agencies/${code}`, {
      as: PROVINCE_ADMIN,
      body: { address: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.address).toBeUndefined();
    expect((await call('PATCH', `/v1/agencies/${code}`, { as: PROVINCE_ADMIN, body: {} })).status).toBe(400);
    expect(
      (await call('PATCH', `/v1/agencies/${code}`, { as: PROVINCE_ADMIN, body: { parentCode: null } }))
        .status,
    ).toBe(400);
  });

  it('answers 404 for an unknown agency on update and delete', async () => {
    const code = testAgencyCode();
    expect(
      (await call('PATCH', `/v1/agencies/${code}`, { as: PROVINCE_ADMIN, body: { name: 'x' } })).status,
    ).toBe(404);
    expect((await call('DELETE', `/v1/agencies/${code}`, { as: PROVINCE_ADMIN })).status).toBe(404);
  });
});
