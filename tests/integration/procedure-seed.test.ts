/**
 * Seeding the demo catalog through the use case (as the local runtime does), reading it back over
 * HTTP, and the ProcedurePublished event each new version writes to the outbox.
 */
import { describe, expect, it } from 'vitest';
import vinhPhuc, { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { vinhPhucProcedures } from '#infra/provinces/vinh-phuc-procedures.ts';
import { outboxRecordsBetween } from '#shared/events/replay.ts';
import { seedProcedures } from '#shared/procedures/seed.ts';
import { call, PROVINCE_ADMIN, unique } from '#tests/support/http.ts';

type Page = { items: { code: string; version: number }[]; nextCursor: string | null };

describe('procedure seed', () => {
  it('seeds the demo catalog once, keeps it on a second run, and serves it to every role', async () => {
    const first = await seedProcedures(vinhPhuc, vinhPhucProcedures);
    expect(first.created + first.kept).toBe(vinhPhucProcedures.length);
    expect(await seedProcedures(vinhPhuc, vinhPhucProcedures)).toEqual({
      created: 0,
      kept: vinhPhucProcedures.length,
    });

    for (const procedure of vinhPhucProcedures) {
      const read = await call<{ code: string; name: string }>('GET', `/v1/procedures/${procedure.code}`, {
        as: 'citizen.an',
      });
      expect(read.status, procedure.code).toBe(200);
      expect(read.body.name).toBe(procedure.name);
    }
    const departments = await call<Page>('GET', '/v1/procedures?level=department&limit=100', {
      as: 'clerk.tichson',
    });
    expect(departments.body.items.map((item) => item.code)).toEqual(
      expect.arrayContaining(['VP-ly-lich-tu-phap', 'VP-cap-lai-giay-phep-lai-xe']),
    );
    const civilStatus = await call<Page>(
      'GET',
      `/v1/procedures?field=${encodeURIComponent('Hộ tịch')}&level=district`,
      { as: 'specialist.vinhyen' },
    );
    expect(civilStatus.body.items.map((item) => item.code)).toContain('VP-xac-nhan-thong-tin-ho-tich');
  });
});

describe('ProcedurePublished', () => {
  it('is written to the outbox with the new version, in the same transaction as the change', async () => {
    const started = new Date();
    const code = `VP-su-kien-${unique()}`;
    const created = await call('POST', '/v1/procedures', {
      as: PROVINCE_ADMIN,
      headers: { 'x-request-id': `publish-${code}` },
      body: {
        ...vinhPhucProcedures.find((procedure) => procedure.code === 'VP-ly-lich-tu-phap')!,
        code,
      },
    });
    expect(created.status).toBe(201);
    const changed = await call('PATCH', `/v1/procedures/${code}`, {
      as: PROVINCE_ADMIN,
      body: { onlineLevel: 'partial' },
    });
    expect(changed.status).toBe(200);

    // The outbox records since the test started, every page of them: the day's partition is shared
    // with every other test (a bulk import alone writes megabytes), far more than one 1 MB query page.
    const records = await outboxRecordsBetween(started, new Date(Date.now() + 60_000));
    const events = records
      .filter((record) => record.detailType === 'ProcedurePublished')
      .map((record) => ({ source: record.source, detail: JSON.parse(record.detail) }))
      .filter((event) => event.detail.entity.id === code);
    expect(events.map((event) => event.source)).toEqual(['vnpp.procedures', 'vnpp.procedures']);
    expect(
      events.map((event) => [event.detail.data.procedure.version, event.detail.data.previousVersion]),
    ).toEqual([
      [1, null],
      [2, 1],
    ]);
    expect(events[1]!.detail).toMatchObject({
      agencyCode: demoAgencies.province,
      entity: { type: 'procedure', id: code },
      data: { changed: ['onlineLevel'], procedure: { onlineLevel: 'partial', feeTotal: 200000 } },
    });
    expect(events[0]!.detail.correlationId).toBe(`publish-${code}`);
    expect(events[0]!.detail.recipients).toEqual([
      demoAgencies.province,
      '000.00.20.H62',
      demoAgencies.justiceDepartment,
    ]);
  });
});
