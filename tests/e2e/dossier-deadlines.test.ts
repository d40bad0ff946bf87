/**
 * Issue 5 items 5 and 6, end to end on a platform of the test's own with a frozen domain clock:
 * - the deadline job (POST /local/workers/dossier-deadlines/run) flags a received dossier due soon,
 *   then overdue as the clock moves, once each however often it runs, records a draft apology letter,
 *   starts afresh after an extension, and leaves another agency's dossier alone until its own time;
 * - the national-portal stand-in records the DongBoHoSoMC and CapNhatTienDoHoSoMC payloads of the
 *   whole lifecycle (submit → receive → forward → extend → approve → release → return), with the
 *   portal's field formats (GET /v1/national-portal/sync-records).
 *
 * Calendar (Vietnam time, March 2027 has no holiday): received Mon 1 Mar 09:00 with 2 working days
 * → due Wed 3 Mar 09:00; extended by 1 day → Thu 4 Mar 09:00. The other dossier, received at Liên Bảo
 * on Tue 2 Mar 15:00 → due Thu 4 Mar 15:00.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { outboxRecordsBetween } from '#shared/events/replay.ts';
import type { DossierSyncPayload, ProgressPayload, SyncRecord } from '#shared/national-portal/payloads.ts';
import { setClock } from '#shared/platform/clock.ts';
import { type OwnPlatform, startOwnPlatform } from '#tests/support/own-platform.ts';
import { receiveStep, testProcedure } from '#tests/support/procedures.ts';

const ict = (local: string) => new Date(`${local}+07:00`);

type Dossier = {
  id: string;
  code: string | null;
  status: string;
  dueAt?: string;
  deadline?: string;
  version: number;
};
type Letter = { kind: string; status?: string; dueAt?: string; newDueAt?: string; text: string };
type Summary = { agencies: number; dueSoon: number; overdue: number; skipped: number; failed: number };

let platform: OwnPlatform;
const procedureCode = `VP-test-han-xu-ly-${Date.now().toString(36)}`;

beforeAll(async () => {
  platform = await startOwnPlatform({ prefix: 'deadlines-e2e' });
  setClock(ict('2027-02-26T09:00:00'), { frozen: true });
  const created = await platform.call('POST', '/v1/procedures', {
    as: 'admin.province',
    body: testProcedure({
      code: procedureCode,
      name: 'Thủ tục thử nghiệm hạn xử lý',
      fees: [{ code: 'LP-TN', name: 'Lệ phí thử nghiệm', kind: 'charge', amount: 10000 }],
      requiredPapers: [{ name: 'Đơn đề nghị', copies: 1, original: true }],
      workflow: [
        receiveStep,
        {
          id: 'xu-ly',
          name: 'Xử lý và phê duyệt',
          agency: { kind: 'receiving' },
          role: 'leader',
          workingDays: 2,
          requiresPayment: true,
        },
      ],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

async function runDeadlineJob(): Promise<Summary> {
  const response = await platform.call<{ result: Summary }>('POST', '/local/workers/dossier-deadlines/run');
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  await platform.events.drain();
  return response.body.result;
}

async function act(id: string, as: string, body: Record<string, unknown>): Promise<Dossier> {
  const response = await platform.call<Dossier>('POST', `/v1/dossiers/${id}/transitions`, { as, body });
  expect(response.status, `${body.action}: ${JSON.stringify(response.body)}`).toBe(200);
  await platform.events.drain();
  return response.body;
}

async function read(id: string): Promise<{ dossier: Dossier; letters: Letter[] }> {
  const response = await platform.call<{ dossier: Dossier; letters: Letter[] }>('GET', `/v1/dossiers/${id}`, {
    as: 'auditor.province',
  });
  expect(response.status).toBe(200);
  return response.body;
}

async function submit(as: string, agencyCode: string, fullName: string): Promise<Dossier> {
  const response = await platform.call<Dossier>('POST', '/v1/dossiers', {
    as,
    body: {
      procedureCode,
      agencyCode,
      applicant: { kind: 'citizen', fullName, identity: { idType: 'citizen-id', idNumber: '026090001234' } },
      form: { reason: 'Đề nghị giải quyết' },
      delivery: { method: 'online' },
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  await platform.events.drain();
  return response.body;
}

/** The citizen pays the dossier's fees through the local sandbox gateway (the step requires payment). */
async function payFees(dossierId: string, as: string): Promise<void> {
  const payment = await platform.call<{ code: string }>('POST', '/v1/payments', {
    as,
    body: { dossierId, gateway: 'sandbox' },
  });
  expect(payment.status, JSON.stringify(payment.body)).toBe(201);
  const paid = await fetch(`${platform.baseUrl}/v1/payments/sandbox`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: payment.body.code, outcome: 'paid' }).toString(),
  });
  expect(paid.status, await paid.text()).toBe(200);
  await platform.events.drain();
}

/** The deadline events of a dossier, in order. */
async function deadlineEvents(id: string) {
  const records = await outboxRecordsBetween(ict('2027-03-01T00:00:00'), ict('2027-03-05T00:00:00'));
  return records
    .map((record) => ({
      type: record.detailType,
      detail: JSON.parse(record.detail) as Record<string, unknown>,
    }))
    .filter(
      ({ type, detail }) =>
        (type === 'DossierDueSoon' || type === 'DossierOverdue') &&
        (detail.entity as { id: string }).id === id,
    );
}

describe('deadlines and the national portal over a dossier’s life', () => {
  it('flags due soon then overdue once each, drafts an apology, and pushes every step to the portal', async () => {
    // Mon 1 Mar: submitted online at Tích Sơn, received at 09:00 (due Wed 09:00), forwarded to processing.
    setClock(ict('2027-03-01T08:30:00'), { frozen: true });
    const submitted = await submit('citizen.an', demoAgencies.tichSon, 'Nguyễn Văn An');
    const id = submitted.id;
    setClock(ict('2027-03-01T09:00:00'), { frozen: true });
    const received = await act(id, 'clerk.tichson', { action: 'receive' });
    expect(received.dueAt).toBe(ict('2027-03-03T09:00:00').toISOString());
    setClock(ict('2027-03-01T09:10:00'), { frozen: true });
    await act(id, 'clerk.tichson', { action: 'forward' });

    // Mon 09:30: two working days left, nothing to flag.
    setClock(ict('2027-03-01T09:30:00'), { frozen: true });
    expect(await runDeadlineJob()).toMatchObject({ dueSoon: 0, overdue: 0, failed: 0 });

    // Tue 15:00: another commune receives its own dossier (due Thu 15:00).
    setClock(ict('2027-03-02T15:00:00'), { frozen: true });
    const other = await submit('clerk.lienbao', demoAgencies.lienBao, 'Trần Thị Bình');
    const otherReceived = await act(other.id, 'clerk.lienbao', { action: 'receive' });
    expect(otherReceived.dueAt).toBe(ict('2027-03-04T15:00:00').toISOString());

    // Tue 15:30: due within a working day. Flagged once, however often the job runs.
    setClock(ict('2027-03-02T15:30:00'), { frozen: true });
    const before = (await read(id)).dossier;
    expect(await runDeadlineJob()).toMatchObject({ dueSoon: 1, overdue: 0, failed: 0 });
    expect(await runDeadlineJob()).toMatchObject({ dueSoon: 0, overdue: 0, failed: 0 });
    const dueSoon = (await read(id)).dossier;
    expect(dueSoon).toMatchObject({ deadline: 'due-soon', version: before.version + 1 });

    // Wed 09:30: overdue. Flagged once, with one draft apology letter naming the missed date.
    setClock(ict('2027-03-03T09:30:00'), { frozen: true });
    expect(await runDeadlineJob()).toMatchObject({ dueSoon: 0, overdue: 1, failed: 0 });
    expect(await runDeadlineJob()).toMatchObject({ dueSoon: 0, overdue: 0, failed: 0 });
    const overdue = await read(id);
    expect(overdue.dossier).toMatchObject({ deadline: 'overdue', version: before.version + 2 });
    expect(overdue.letters).toHaveLength(1);
    expect(overdue.letters[0]).toMatchObject({
      kind: 'apology-letter',
      status: 'draft',
      dueAt: ict('2027-03-03T09:00:00').toISOString(),
    });
    expect(overdue.letters[0]!.text).toContain(received.code!);

    // The other agency's dossier was left alone: no flag, no new version.
    expect((await read(other.id)).dossier).toMatchObject({ version: otherReceived.version });
    expect((await read(other.id)).dossier.deadline).toBeUndefined();

    // Wed 10:00: the leader extends by a day (late: the extension's own letter). The new date is
    // watched afresh: due soon again at 10:30, once.
    setClock(ict('2027-03-03T10:00:00'), { frozen: true });
    const extended = await act(id, 'leader.tichson', {
      action: 'extend',
      days: 1,
      note: 'Cần xác minh thêm',
    });
    expect(extended.dueAt).toBe(ict('2027-03-04T09:00:00').toISOString());
    expect(extended.deadline).toBeUndefined();
    setClock(ict('2027-03-03T10:30:00'), { frozen: true });
    expect(await runDeadlineJob()).toMatchObject({ dueSoon: 1, overdue: 0, failed: 0 });
    expect(await runDeadlineJob()).toMatchObject({ dueSoon: 0, overdue: 0, failed: 0 });
    expect((await read(id)).dossier.deadline).toBe('due-soon');

    // Approved (once the fee is paid: the step requires payment), released and returned on
    // Wednesday, before the new date.
    setClock(ict('2027-03-03T11:00:00'), { frozen: true });
    const unpaid = await platform.call<{ reason?: string }>('POST', `/v1/dossiers/${id}/transitions`, {
      as: 'leader.tichson',
      body: { action: 'approve' },
    });
    expect(unpaid.status).toBe(409);
    expect(unpaid.body.reason).toBe('payment-required');
    await payFees(id, 'citizen.an');
    await act(id, 'leader.tichson', { action: 'approve' });
    setClock(ict('2027-03-03T14:00:00'), { frozen: true });
    await act(id, 'clerk.tichson', { action: 'release' });
    setClock(ict('2027-03-03T15:00:00'), { frozen: true });
    const returned = await act(id, 'clerk.tichson', { action: 'return' });
    expect(returned).toMatchObject({ status: 'returned', outcome: 'early' });

    // Wed 16:00: the other dossier's day has come (due Thu 15:00); the returned one is not watched.
    setClock(ict('2027-03-03T16:00:00'), { frozen: true });
    expect(await runDeadlineJob()).toMatchObject({ dueSoon: 1, overdue: 0, failed: 0 });
    expect((await read(other.id)).dossier.deadline).toBe('due-soon');

    // Letters: the draft when found overdue, then the extension's letter with the new date.
    const letters = (await read(id)).letters;
    expect(letters.map((letter) => letter.status ?? 'final')).toEqual(['draft', 'final']);
    expect(letters[1]).toMatchObject({ newDueAt: ict('2027-03-04T09:00:00').toISOString() });

    // Events: DossierDueSoon, DossierOverdue, DossierDueSoon (new date), to the dossier's agencies.
    const events = await deadlineEvents(id);
    expect(events.map((event) => event.type)).toEqual(['DossierDueSoon', 'DossierOverdue', 'DossierDueSoon']);
    expect(events[1]!.detail).toMatchObject({
      recipients: [demoAgencies.tichSon],
      actor: { type: 'system', name: 'dossier-deadlines' },
      data: { dueAt: ict('2027-03-03T09:00:00').toISOString(), dossier: { id, status: 'processing' } },
    });
    expect((await deadlineEvents(other.id)).map((event) => event.type)).toEqual(['DossierDueSoon']);

    // The national portal stand-in recorded what would have been pushed, step by step.
    const sync = await platform.call<{ items: SyncRecord[]; nextCursor: string | null }>(
      'GET',
      `/v1/national-portal/sync-records?dossierId=${id}&limit=100`,
      { as: 'auditor.province' },
    );
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    const records = sync.body.items;
    const code = received.code!;
    const full = (record: SyncRecord) => record.payload as DossierSyncPayload;
    const step = (record: SyncRecord) => record.payload as ProgressPayload;
    expect(
      records.map((record) => [
        record.service,
        record.service === 'DongBoHoSoMC' ? full(record).TrangThaiHoSo : step(record).TrangThai,
      ]),
    ).toEqual([
      ['DongBoHoSoMC', '1'], // submitted: mới đăng ký
      ['DongBoHoSoMC', '2'], // received: được tiếp nhận
      ['CapNhatTienDoHoSoMC', '2'],
      ['CapNhatTienDoHoSoMC', '4'], // forwarded: đang xử lý
      ['DongBoHoSoMC', '4'], // extended: new appointment date
      ['CapNhatTienDoHoSoMC', '4'],
      ['CapNhatTienDoHoSoMC', '9'], // approved: đã xử lý xong
      ['DongBoHoSoMC', '9'], // released
      ['CapNhatTienDoHoSoMC', '9'],
      ['DongBoHoSoMC', '10'], // returned: đã trả kết quả
      ['CapNhatTienDoHoSoMC', '10'],
    ]);
    for (const record of records) {
      expect(record).toMatchObject({ dossierId: id, mode: 'local', delivered: false });
    }
    expect(records.map((record) => record.isUpdating)).toEqual([
      false,
      false,
      undefined,
      undefined,
      true,
      undefined,
      undefined,
      true,
      undefined,
      true,
      undefined,
    ]);

    // Before its number, the dossier is known to the portal by its id.
    expect(full(records[0]!)).toMatchObject({
      MaHoSo: id,
      NgayTiepNhan: '',
      NgayHenTra: '',
      TrangThaiHoSo: '1',
    });
    // Received: numbered, with receipt and appointment in yyyyMMddHHmmss, Vietnam time.
    expect(full(records[1]!)).toMatchObject({
      MaHoSo: code,
      MaTTHC: procedureCode,
      TenTTHC: 'Thủ tục thử nghiệm hạn xử lý',
      MaLinhVuc: 'Thử nghiệm',
      ChuHoSo: 'Nguyễn Văn An',
      LoaiDoiTuong: '1',
      NgayTiepNhan: '20270301090000',
      NgayHenTra: '20270303090000',
      NgayTra: '',
      HinhThuc: '0',
      DonViXuLy: expect.stringContaining('Tích Sơn'),
      DanhSachLePhi: [
        { MaPhiLePhi: 'LP-TN', TenPhiLePhi: 'Lệ phí thử nghiệm', LoaiPhiLePhi: '2', Gia: 10000 },
      ],
    });
    expect(step(records[2]!)).toEqual({
      MaHoSo: code,
      NguoiXuLy: 'clerk.tichson',
      ChucDanh: 'Cán bộ tiếp nhận',
      ThoiDiemXuLy: '20270301090000',
      PhongBanXuLy: expect.stringContaining('Tích Sơn'),
      NoiDungXuLy: 'Tiếp nhận hồ sơ',
      TrangThai: '2',
      NgayBatDau: '20270301090000',
      NgayKetThucTheoQuyDinh: '20270303090000',
    });
    expect(full(records[4]!).NgayHenTra).toBe('20270304090000');
    expect(step(records[5]!)).toMatchObject({
      NguoiXuLy: 'leader.tichson',
      ChucDanh: 'Lãnh đạo',
      NoiDungXuLy: 'Gia hạn thời gian giải quyết',
      ThoiDiemXuLy: '20270303100000',
      NgayKetThucTheoQuyDinh: '20270304090000',
    });
    expect(full(records[9]!)).toMatchObject({ TrangThaiHoSo: '10', NgayTra: '20270303150000' });
    expect(step(records[10]!)).toMatchObject({ NoiDungXuLy: 'Trả kết quả', ThoiDiemXuLy: '20270303150000' });
    // Formats: every date is 14 digits or empty; no identity number leaves for the portal.
    for (const record of records) {
      for (const [field, value] of Object.entries(record.payload)) {
        if (field.startsWith('Ngay') || field === 'ThoiDiemXuLy') expect(value, field).toMatch(/^(\d{14})?$/);
      }
      expect(JSON.stringify(record.payload)).not.toContain('026090001234');
    }

    // The log is for auditors and province admins only.
    expect(
      (
        await platform.call('GET', `/v1/national-portal/sync-records?dossierId=${id}`, {
          as: 'admin.province',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await platform.call('GET', `/v1/national-portal/sync-records?dossierId=${id}`, {
          as: 'clerk.tichson',
        })
      ).status,
    ).toBe(403);
  }, 180_000);
});
