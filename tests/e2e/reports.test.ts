/**
 * Reports over HTTP: bad input is a clear problem+json 400 (never a 500), scopes follow the agency
 * tree, usage is for province admins with a billing export.
 */
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { call, PROVINCE_ADMIN } from '#tests/support/http.ts';

const report = (query: string) => `/v1/reports/dossiers?${query}`;

describe('reports API', () => {
  it.each([
    ['from after to', `agency=${demoAgencies.vinhYen}&from=2026-02-01&to=2026-01-01`],
    ['not a date', `agency=${demoAgencies.vinhYen}&from=2026-02-30&to=2026-03-01`],
    ['range too long', `agency=${demoAgencies.vinhYen}&from=2020-01-01&to=2026-01-01`],
    ['unknown groupBy', `agency=${demoAgencies.vinhYen}&from=2026-01-01&to=2026-01-31&groupBy=colour`],
    ['bad agency code', 'agency=xyz&from=2026-01-01&to=2026-01-31'],
  ])('answers 400 problem+json for %s', async (_name, query) => {
    const response = await call('GET', report(query), { as: PROVINCE_ADMIN });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 404 for an agency that does not exist', async () => {
    const response = await call('GET', report('agency=999.99.99.H99&from=2026-01-01&to=2026-01-31'), {
      as: PROVINCE_ADMIN,
    });
    expect(response.status).toBe(404);
  });

  it('lets a district leader read its communes but not another district', async () => {
    const own = await call('GET', report(`agency=${demoAgencies.tichSon}&from=2026-01-01&to=2026-01-31`), {
      as: 'leader.vinhyen',
    });
    expect(own.status).toBe(200);
    const other = await call('GET', report(`agency=${demoAgencies.phucYen}&from=2026-01-01&to=2026-01-31`), {
      as: 'leader.vinhyen',
    });
    expect(other.status).toBe(403);
  });

  it('gives province admins the usage of every agency, with a CSV billing export', async () => {
    const json = await call<{ rows: { key: string }[] }>('GET', '/v1/usage?month=2026-11', {
      as: PROVINCE_ADMIN,
    });
    expect(json.status).toBe(200);
    expect(json.body.rows.map((row) => row.key)).toContain(demoAgencies.vinhYen);
    const csv = await call('GET', '/v1/usage?month=2026-11&format=csv', { as: PROVINCE_ADMIN });
    expect(csv.status).toBe(200);
    expect(csv.text.split('\n')[0]).toContain(
      'dossiersReceived,documentsSent,documentsReceived,signatures,payments,storageBytes,apiCalls',
    );
    expect((await call('GET', '/v1/usage?month=2026-13', { as: PROVINCE_ADMIN })).status).toBe(400);
    expect((await call('GET', '/v1/usage?month=2026-11', { as: 'leader.vinhyen' })).status).toBe(403);
  });
});
