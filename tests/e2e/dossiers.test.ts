/** Dossier rules through the local runtime: who may do what, queues, public lookup, rating. */
import { beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { call, PROVINCE_ADMIN, unique } from '#tests/support/http.ts';
import { testProcedure } from '#tests/support/procedures.ts';

type Dossier = {
  id: string;
  code: string | null;
  status: string;
  dueAt?: string;
  currentAgency: string;
  version: number;
};
type Problem = { type: string; allowedActions?: string[]; errors?: { path: string }[] };
type Page = { items: Dossier[]; nextCursor: string | null };

const procedureCode = `VP-test-xa-${unique()}`;
const ID_NUMBER = '001201009876';

const submission = (overrides: Record<string, unknown> = {}) => ({
  procedureCode,
  agencyCode: demoAgencies.lienBao,
  applicant: {
    kind: 'citizen',
    fullName: 'Trần Thị Bình',
    identity: { idType: 'citizen-id', idNumber: ID_NUMBER },
  },
  form: { reason: 'Xin xác nhận cư trú' },
  delivery: { method: 'counter' },
  ...overrides,
});

async function submit(as = 'citizen.binh', overrides: Record<string, unknown> = {}): Promise<Dossier> {
  const response = await call<Dossier>('POST', '/v1/dossiers', { as, body: submission(overrides) });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

const act = (id: string, as: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call<Dossier & Problem>('POST', `/v1/dossiers/${id}/transitions`, { as, body, headers });

beforeAll(async () => {
  const created = await call('POST', '/v1/procedures', {
    as: PROVINCE_ADMIN,
    body: testProcedure({
      code: procedureCode,
      name: 'Xác nhận thử nghiệm (cấp xã)',
      resultDelivery: ['counter', 'online', 'postal'],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});

describe('submission', () => {
  it('validates identity numbers, the form against the procedure and the delivery address', async () => {
    const badId = await call<Problem>('POST', '/v1/dossiers', {
      as: 'citizen.binh',
      body: submission({
        applicant: {
          kind: 'citizen',
          fullName: 'Bình',
          identity: { idType: 'citizen-id', idNumber: '12345' },
        },
      }),
    });
    expect(badId.status).toBe(400);
    const badForm = await call<Problem>('POST', '/v1/dossiers', {
      as: 'citizen.binh',
      body: submission({ form: { reason: 'x', extra: 1 } }),
    });
    expect(badForm.status).toBe(400);
    expect(badForm.body.errors?.some((error) => error.path.startsWith('body.form'))).toBe(true);
    const postal = await call('POST', '/v1/dossiers', {
      as: 'citizen.binh',
      body: submission({ delivery: { method: 'postal' } }),
    });
    expect(postal.status).toBe(400);
    const wrongLevel = await call('POST', '/v1/dossiers', {
      as: 'citizen.binh',
      body: submission({ agencyCode: demoAgencies.vinhYen }),
    });
    expect(wrongLevel.status).toBe(400);
  });

  it('lets a clerk submit at the counter only for their own agency', async () => {
    const counter = await submit('clerk.tichson', { agencyCode: demoAgencies.tichSon });
    expect(counter.status).toBe('submitted');
    const elsewhere = await call('POST', '/v1/dossiers', { as: 'clerk.tichson', body: submission() });
    expect(elsewhere.status).toBe(403);
  });
});

describe('visibility', () => {
  it('shows a dossier to its owner and its agencies, and to nobody else (404)', async () => {
    const dossier = await submit();
    expect((await call('GET', `/v1/dossiers/${dossier.id}`, { as: 'citizen.binh' })).status).toBe(200);
    expect((await call('GET', `/v1/dossiers/${dossier.id}`, { as: 'citizen.an' })).status).toBe(404);
    expect((await call('GET', `/v1/dossiers/${dossier.id}`, { as: 'clerk.tichson' })).status).toBe(404);
    // A district leader sees the dossiers of its communes (agency-tree); auditors see everything.
    expect((await call('GET', `/v1/dossiers/${dossier.id}`, { as: 'leader.vinhyen' })).status).toBe(200);
    expect((await call('GET', `/v1/dossiers/${dossier.id}`, { as: 'auditor.province' })).status).toBe(200);
    expect((await call('GET', `/v1/dossiers/${dossier.id}`, { as: 'clerk.phucyen' })).status).toBe(404);
  });
});

describe('transitions', () => {
  it('answers 409 with the allowed actions for an illegal action, 403 for a wrong role', async () => {
    const dossier = await submit();
    const illegal = await act(dossier.id, 'citizen.binh', { action: 'supplement' });
    expect(illegal.status).toBe(409);
    expect(illegal.body.allowedActions).toEqual(['withdraw']);
    const role = await act(dossier.id, 'citizen.binh', { action: 'receive' });
    expect(role.status).toBe(403);
    const noNote = await act(dossier.id, 'citizen.binh', { action: 'withdraw' });
    expect(noNote.status).toBe(200);
    expect(noNote.body.status).toBe('cancelled');
  });

  it('honours If-Match and refuses a stale version with 412', async () => {
    const dossier = await submit();
    const stale = await act(dossier.id, 'citizen.binh', { action: 'withdraw' }, { 'if-match': '"99"' });
    expect(stale.status).toBe(412);
    const fresh = await act(
      dossier.id,
      'citizen.binh',
      { action: 'withdraw' },
      { 'if-match': `"${dossier.version}"` },
    );
    expect(fresh.status).toBe(200);
  });

  it('lets only one of two concurrent receptions win', async () => {
    const dossier = await submit();
    const [a, b] = await Promise.all([
      act(dossier.id, 'clerk.lienbao', { action: 'receive' }),
      act(dossier.id, 'clerk.lienbao', { action: 'receive' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });
});

describe('queues', () => {
  it("lists an agency's received dossiers by due date, and nothing of other agencies", async () => {
    const dossier = await submit();
    const received = await act(dossier.id, 'clerk.lienbao', { action: 'receive' });
    expect(received.status).toBe(200);
    const queue = await call<Page>(
      'GET',
      `/v1/agencies/${demoAgencies.lienBao}/dossiers?status=received&limit=100`,
      { as: 'clerk.lienbao' },
    );
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((item) => item.id)).toContain(dossier.id);
    const dueDates = queue.body.items.map((item) => item.dueAt!);
    expect([...dueDates].sort()).toEqual(dueDates);
    const overdue = await call<Page>(
      'GET',
      `/v1/agencies/${demoAgencies.lienBao}/dossiers?status=received&due=overdue`,
      { as: 'clerk.lienbao' },
    );
    expect(overdue.body.items.map((item) => item.id)).not.toContain(dossier.id);
    expect(
      (
        await call('GET', `/v1/agencies/${demoAgencies.lienBao}/dossiers?status=received`, {
          as: 'clerk.tichson',
        })
      ).status,
    ).toBe(403);
    // The district leader reads the queues of its communes.
    expect(
      (
        await call('GET', `/v1/agencies/${demoAgencies.lienBao}/dossiers?status=received`, {
          as: 'leader.vinhyen',
        })
      ).status,
    ).toBe(200);
  });

  it("lists a citizen's own dossiers only", async () => {
    const mine = await submit();
    const page = await call<Page>('GET', '/v1/me/dossiers?limit=100', { as: 'citizen.binh' });
    expect(page.body.items.map((item) => item.id)).toContain(mine.id);
    const other = await call<Page>('GET', '/v1/me/dossiers?limit=100', { as: 'citizen.an' });
    expect(other.body.items.map((item) => item.id)).not.toContain(mine.id);
  });
});

describe('public lookup and rating', () => {
  it('reveals the status only with the matching ID number, and is rate-limited', async () => {
    const dossier = await submit();
    const received = (await act(dossier.id, 'clerk.lienbao', { action: 'receive' })).body;
    const ok = await call<{ status: string }>(
      'GET',
      `/v1/public/dossiers/${received.code}?idNumber=${ID_NUMBER}`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('received');
    const wrong = await call('GET', `/v1/public/dossiers/${received.code}?idNumber=001201000000`);
    expect(wrong.status).toBe(404);
    const unknown = await call('GET', `/v1/public/dossiers/000.02.21.H62-990101-0001?idNumber=${ID_NUMBER}`);
    expect(unknown.status).toBe(404);
    // Guessing ID numbers for one dossier is cut off after 10 failures an hour.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      statuses.push(
        (
          await call(
            'GET',
            `/v1/public/dossiers/${received.code}?idNumber=0012010000${String(i).padStart(2, '0')}`,
          )
        ).status,
      );
    }
    expect(statuses).toContain(429);
  });

  it('takes one rating from the owner after the result is returned', async () => {
    const dossier = await submit();
    for (const [as, body] of [
      ['clerk.lienbao', { action: 'receive' }],
      ['clerk.lienbao', { action: 'forward' }],
      ['leader.lienbao', { action: 'approve' }],
      ['clerk.lienbao', { action: 'release' }],
      ['clerk.lienbao', { action: 'return' }],
    ] as const) {
      const response = await act(dossier.id, as, body);
      expect(response.status, `${body.action}: ${JSON.stringify(response.body)}`).toBe(200);
    }
    expect(
      (await call('POST', `/v1/dossiers/${dossier.id}/rating`, { as: 'citizen.an', body: { score: 1 } }))
        .status,
    ).toBe(404);
    expect(
      (await call('POST', `/v1/dossiers/${dossier.id}/rating`, { as: 'citizen.binh', body: { score: 5 } }))
        .status,
    ).toBe(201);
    expect(
      (await call('POST', `/v1/dossiers/${dossier.id}/rating`, { as: 'citizen.binh', body: { score: 4 } }))
        .status,
    ).toBe(409);
  });
});
