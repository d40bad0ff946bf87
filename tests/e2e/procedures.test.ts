/** The procedure catalog over HTTP: who may write, validation, versions, listing and the audit trail. */
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { call, PROVINCE_ADMIN, unique } from '#tests/support/http.ts';

interface Step {
  id: string;
  name: string;
  agency: Record<string, string>;
  role: string;
  workingDays: number;
  requiresPayment?: boolean;
}
interface Procedure {
  code: string;
  name: string;
  field: string;
  implementingLevels: string[];
  onlineLevel: string;
  processingDays: number;
  formSchema: Record<string, unknown>;
  workflow: Step[];
  status: string;
  version: number;
}
type Page = { items: Procedure[]; nextCursor: string | null };
type Problem = { type: string; errors?: { path: string; code: string; message: string }[] };

/** A commune → district procedure in a field of its own, so lists can be checked while other tests run. */
function testProcedure(overrides: Record<string, unknown> = {}) {
  const id = unique();
  return {
    code: `VP-thu-nghiem-${id}`,
    name: `Thủ tục thử nghiệm ${id}`,
    field: `Thử nghiệm ${id}`,
    implementingLevels: ['commune'],
    onlineLevel: 'full-process',
    processingDays: 5,
    fees: [{ code: 'le-phi', name: 'Lệ phí thử nghiệm', kind: 'charge', amount: 50000 }],
    requiredPapers: [{ name: 'Tờ khai', copies: 1, original: true }],
    formSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['fullName'],
      properties: {
        fullName: { type: 'string', title: 'Họ và tên', minLength: 1 },
        idNumber: { type: 'string', title: 'Số định danh cá nhân', pattern: '^[0-9]{12}$' },
      },
    },
    workflow: [
      {
        id: 'tiep-nhan',
        name: 'Tiếp nhận hồ sơ',
        agency: { kind: 'receiving' },
        role: 'clerk',
        workingDays: 0.5,
        requiresPayment: true,
      },
      {
        id: 'tham-dinh',
        name: 'Thẩm định',
        agency: { kind: 'ancestor', level: 'district' },
        role: 'specialist',
        workingDays: 4,
      },
      {
        id: 'phe-duyet',
        name: 'Phê duyệt',
        agency: { kind: 'ancestor', level: 'district' },
        role: 'leader',
        workingDays: 0.5,
      },
    ],
    resultDelivery: ['counter', 'online'],
    ...overrides,
  };
}

async function createProcedure(overrides: Record<string, unknown> = {}) {
  const body = testProcedure(overrides);
  const response = await call<Procedure>('POST', '/v1/procedures', { as: PROVINCE_ADMIN, body });
  if (response.status !== 201) throw new Error(`create procedure: ${response.status} ${response.text}`);
  return response.body;
}

const errorPaths = (body: unknown) => ((body as Problem).errors ?? []).map((error) => error.path);

describe('procedure catalog: writes', () => {
  it('creates a procedure at version 1 with Location and ETag, readable by citizens', async () => {
    const body = testProcedure();
    const created = await call<Procedure>('POST', '/v1/procedures', { as: PROVINCE_ADMIN, body });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/procedures/${body.code}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ code: body.code, version: 1, status: 'active', processingDays: 5 });

    const read = await call<Procedure>('GET', `/v1/procedures/${body.code}`, { as: 'citizen.an' });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    // The form schema comes back exactly as sent, field order included (the order a form renders in).
    expect(JSON.stringify(read.body.formSchema)).toBe(JSON.stringify(body.formSchema));
    expect(read.body.workflow.map((step) => step.id)).toEqual(['tiep-nhan', 'tham-dinh', 'phe-duyet']);
  });

  it('lets only province admins create or change procedures', async () => {
    const procedure = await createProcedure();
    for (const user of [
      'citizen.an',
      'clerk.vinhyen',
      'leader.province',
      'admin.vinhyen',
      'auditor.province',
      'integration.lgsp',
    ]) {
      const created = await call('POST', '/v1/procedures', { as: user, body: testProcedure() });
      expect(created.status, user).toBe(403);
      const changed = await call('PATCH', `/v1/procedures/${procedure.code}`, {
        as: user,
        body: { name: 'Tên khác' },
      });
      expect(changed.status, user).toBe(403);
    }
    expect((await call('GET', '/v1/procedures', {})).status).toBe(401);
  });

  it('replays a create with the same Idempotency-Key and refuses a duplicate code with 409', async () => {
    const body = testProcedure();
    const headers = { 'idempotency-key': `proc-${body.code}` };
    const first = await call<Procedure>('POST', '/v1/procedures', { as: PROVINCE_ADMIN, body, headers });
    const replay = await call<Procedure>('POST', '/v1/procedures', { as: PROVINCE_ADMIN, body, headers });
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const again = await call<Problem>('POST', '/v1/procedures', { as: PROVINCE_ADMIN, body });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/conflict');
  });

  it('refuses unknown properties, an invalid form schema and inconsistent rules with 400', async () => {
    const unknown = await call<Problem>('POST', '/v1/procedures', {
      as: PROVINCE_ADMIN,
      body: { ...testProcedure(), colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toContainEqual(
      expect.objectContaining({ path: 'body.colour', code: 'unrecognized_key' }),
    );

    const base = testProcedure();
    const openForm = await call('POST', '/v1/procedures', {
      as: PROVINCE_ADMIN,
      body: {
        ...base,
        formSchema: { type: 'object', properties: { fullName: { type: 'string', requried: true } } },
      },
    });
    expect(openForm.status).toBe(400);
    expect(errorPaths(openForm.body).sort()).toEqual([
      'body.formSchema.additionalProperties',
      'body.formSchema.properties.fullName.requried',
    ]);

    const notObject = await call('POST', '/v1/procedures', {
      as: PROVINCE_ADMIN,
      body: { ...base, formSchema: { type: 'array', items: { type: 'string' } } },
    });
    expect(notObject.status).toBe(400);
    expect(errorPaths(notObject.body)).toContain('body.formSchema.type');

    const mismatch = await call<Problem>('POST', '/v1/procedures', {
      as: PROVINCE_ADMIN,
      body: { ...base, processingDays: 7 },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors).toEqual([
      expect.objectContaining({ path: 'body.processingDays', code: 'processing_days_mismatch' }),
    ]);

    const unknownAgency = await call('POST', '/v1/procedures', {
      as: PROVINCE_ADMIN,
      body: {
        ...base,
        workflow: [
          base.workflow[0],
          { ...base.workflow[1], agency: { kind: 'fixed', agencyCode: '999.99.99.T99' } },
          { ...base.workflow[2], agency: { kind: 'ancestor', level: 'hamlet' } },
        ],
      },
    });
    expect(unknownAgency.status).toBe(400);
    expect(errorPaths(unknownAgency.body)).toEqual([
      'body.workflow.1.agency.agencyCode',
      'body.workflow.2.agency.level',
    ]);
    expect((await call('GET', `/v1/procedures/${base.code}`, { as: PROVINCE_ADMIN })).status).toBe(404);
  });
});

describe('procedure catalog: versions', () => {
  it('publishes each change as a new version, keeps old versions readable and honours If-Match', async () => {
    const procedure = await createProcedure();
    const path = `/v1/procedures/${procedure.code}`;
    const workflow = [
      ...procedure.workflow.slice(0, 2),
      { ...procedure.workflow[2]!, workingDays: 1.5 },
      {
        id: 'tra-ket-qua',
        name: 'Trả kết quả',
        agency: { kind: 'receiving' },
        role: 'clerk',
        workingDays: 1,
      },
    ];
    const changed = await call<Procedure>('PATCH', path, {
      as: PROVINCE_ADMIN,
      headers: { 'if-match': '"1"' },
      body: { workflow, processingDays: 7 },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(changed.body).toMatchObject({ version: 2, processingDays: 7 });

    const stale = await call<Problem>('PATCH', path, {
      as: PROVINCE_ADMIN,
      headers: { 'if-match': '"1"' },
      body: { name: 'Tên mới' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('/problems/precondition-failed');

    const current = await call<Procedure>('GET', path, { as: 'citizen.binh' });
    expect(current.body.version).toBe(2);
    expect(current.body.workflow).toHaveLength(4);
    const first = await call<Procedure>('GET', `${path}?version=1`, { as: 'clerk.tichson' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"1"');
    expect(first.body).toMatchObject({ version: 1, processingDays: 5 });
    expect(first.body.workflow).toHaveLength(3);
    expect((await call('GET', `${path}?version=3`, { as: 'citizen.an' })).status).toBe(404);
  });

  it('keeps the version when a change alters nothing, and validates the result of a change', async () => {
    const procedure = await createProcedure();
    const path = `/v1/procedures/${procedure.code}`;
    const same = await call<Procedure>('PATCH', path, { as: PROVINCE_ADMIN, body: { name: procedure.name } });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);

    // A workflow whose days no longer add up to the unchanged processing time.
    const inconsistent = await call<Problem>('PATCH', path, {
      as: PROVINCE_ADMIN,
      body: { workflow: procedure.workflow.slice(0, 2) },
    });
    expect(inconsistent.status).toBe(400);
    expect(errorPaths(inconsistent.body)).toEqual(['body.processingDays']);
    expect((await call('PATCH', path, { as: PROVINCE_ADMIN, body: {} })).status).toBe(400);
    expect((await call('PATCH', path, { as: PROVINCE_ADMIN, body: { code: 'VP-khac' } })).status).toBe(400);
    expect(
      (
        await call('PATCH', `/v1/procedures/VP-khong-co-${unique()}`, {
          as: PROVINCE_ADMIN,
          body: { name: 'x' },
        })
      ).status,
    ).toBe(404);
  });

  it('records catalog changes in the province root agency audit chain', async () => {
    const procedure = await createProcedure();
    await call('PATCH', `/v1/procedures/${procedure.code}`, {
      as: PROVINCE_ADMIN,
      body: { status: 'inactive' },
    });
    const audit = await call<{ items: { chain: string; action: string; actor: { username?: string } }[] }>(
      'GET',
      `/v1/audit?entityId=${procedure.code}`,
      { as: 'auditor.province' },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((record) => [record.chain, record.action])).toEqual([
      [demoAgencies.province, 'procedure.created'],
      [demoAgencies.province, 'procedure.updated'],
    ]);
    expect(audit.body.items[0]!.actor.username).toBe(PROVINCE_ADMIN);
  });
});

describe('procedure catalog: listing', () => {
  it('filters by field, level and online level with key queries, and pages with cursors', async () => {
    const field = `Lĩnh vực thử nghiệm ${unique()}`;
    const commune = await createProcedure({ field });
    const partial = await createProcedure({ field, onlineLevel: 'partial' });
    const district = await createProcedure({
      field,
      implementingLevels: ['district'],
      workflow: [
        {
          id: 'tiep-nhan',
          name: 'Tiếp nhận',
          agency: { kind: 'receiving' },
          role: 'clerk',
          workingDays: 1,
          requiresPayment: true,
        },
        {
          id: 'ky',
          name: 'Ký',
          agency: { kind: 'fixed', agencyCode: demoAgencies.justiceDepartment },
          role: 'leader',
          workingDays: 4,
        },
      ],
    });
    const list = async (query: string) => {
      const response = await call<Page>('GET', `/v1/procedures?${query}`, { as: 'citizen.an' });
      expect(response.status, query).toBe(200);
      return response.body;
    };
    const q = `field=${encodeURIComponent(field)}`;
    const codes = (page: Page) => page.items.map((item) => item.code);

    // Ordered by online level, then code.
    expect(codes(await list(q))).toEqual([...[commune.code, district.code].sort(), partial.code]);
    expect(codes(await list(`${q}&onlineLevel=partial`))).toEqual([partial.code]);
    expect(codes(await list(`${q}&level=commune`)).sort()).toEqual([commune.code, partial.code].sort());
    expect(codes(await list(`${q}&level=district&onlineLevel=full-process`))).toEqual([district.code]);
    expect(codes(await list('level=district&limit=100'))).toContain(district.code);
    expect(codes(await list('onlineLevel=partial&limit=100'))).not.toContain(commune.code);

    const first = await list(`${q}&limit=2`);
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = await list(`${q}&limit=2&cursor=${first.nextCursor}`);
    expect(codes(second)).toEqual([partial.code]);
    const foreign = await call<Problem>('GET', `/v1/procedures?level=commune&cursor=${first.nextCursor}`, {
      as: 'citizen.an',
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.type).toBe('/problems/invalid-cursor');
    expect(
      (
        await call('GET', `/v1/procedures?${q}&onlineLevel=partial&cursor=${first.nextCursor}`, {
          as: 'citizen.an',
        })
      ).status,
    ).toBe(400);
    expect((await call('GET', '/v1/procedures?colour=red', { as: 'citizen.an' })).status).toBe(400);
  });

  it('moves a procedure between level lists when its levels change', async () => {
    const field = `Lĩnh vực thử nghiệm ${unique()}`;
    const procedure = await createProcedure({ field });
    const q = `field=${encodeURIComponent(field)}`;
    const changed = await call<Procedure>('PATCH', `/v1/procedures/${procedure.code}`, {
      as: PROVINCE_ADMIN,
      body: {
        implementingLevels: ['district'],
        workflow: [
          {
            id: 'tiep-nhan',
            name: 'Tiếp nhận',
            agency: { kind: 'receiving' },
            role: 'clerk',
            workingDays: 1,
            requiresPayment: true,
          },
          { id: 'xu-ly', name: 'Xử lý', agency: { kind: 'receiving' }, role: 'specialist', workingDays: 4 },
        ],
      },
    });
    expect(changed.status).toBe(200);
    const at = async (level: string) =>
      (await call<Page>('GET', `/v1/procedures?${q}&level=${level}`, { as: 'clerk.vinhyen' })).body.items;
    expect(await at('commune')).toEqual([]);
    expect((await at('district')).map((item) => [item.code, item.version])).toEqual([[procedure.code, 2]]);
  });
});
