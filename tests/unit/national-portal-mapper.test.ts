/**
 * The national-portal mapper (shared/national-portal/mapper.ts): dates as yyyyMMddHHmmss in Vietnam
 * time, LoaiDoiTuong, the status table and code maps, the full record and progress payloads, and
 * which pushes each event leads to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '#events/envelope.ts';
import type { Dossier } from '#shared/dossiers/dossier.ts';
import { DOSSIER_ACTIONS, DOSSIER_STATUSES } from '#shared/dossiers/state-machine.ts';
import { DEFAULT_STATUS_CODES, statusTableOf } from '#shared/national-portal/config.ts';
import {
  applicantTypeOf,
  FULL_SYNC_ACTIONS,
  type PortalTables,
  syncPlan,
  toDossierSyncPayload,
  toPortalDateTime,
  toProgressPayload,
} from '#shared/national-portal/mapper.ts';
import { DossierSyncPayload, ProgressPayload } from '#shared/national-portal/payloads.ts';

const tables: PortalTables = {
  statusCodes: DEFAULT_STATUS_CODES,
  procedureCodes: { 'VP-cap-phep-quang-cao': '2.000123' },
  fieldCodes: { 'Hộ tịch': 'G09-TP03' },
};

type SyncedDossier = Parameters<typeof toDossierSyncPayload>[0]['dossier'];

const dossier = (overrides: Partial<Dossier> = {}): SyncedDossier => ({
  id: '7d1f5c2e-0b7a-4f1e-9a3c-5e2d1c0b9a87',
  code: '000.01.21.H62-270301-0007',
  procedure: {
    code: '1.001193',
    version: 2,
    name: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    onlineLevel: 'full-process',
  },
  applicant: {
    kind: 'citizen',
    fullName: 'Nguyễn Văn An',
    identity: { idType: 'citizen-id', idNumber: '026090001234' },
    phone: '0912345678',
  },
  status: 'processing',
  receivedAt: '2027-03-01T02:00:00.000Z',
  dueAt: '2027-03-03T02:00:00.000Z',
  delivery: { method: 'online' },
  attachments: [
    {
      fileId: 'a1b2c3d4-0000-4000-8000-000000000001',
      paper: 'Tờ khai đăng ký khai sinh',
      fileName: 'to-khai.pdf',
      contentType: 'application/pdf',
      size: 1024,
      sha256: 'x',
    },
  ],
  pauses: [
    { from: '2027-03-01T03:00:00.000Z', to: '2027-03-01T08:30:00.000Z', note: 'Bổ sung giấy chứng sinh' },
    { from: '2027-03-02T01:00:00.000Z', note: 'Bổ sung bản sao CCCD của mẹ' },
  ],
  ...overrides,
});

const fees = [
  { code: 'LP-KS', name: 'Lệ phí đăng ký khai sinh', kind: 'charge' as const, amount: 8000 },
  { code: 'P-BS', name: 'Phí cấp bản sao', kind: 'fee' as const, amount: 5000 },
];

describe('portal date-times', () => {
  it('writes an instant as yyyyMMddHHmmss in Vietnam time (UTC+7), across the day boundary', () => {
    expect(toPortalDateTime('2027-03-01T02:00:00.000Z')).toBe('20270301090000');
    expect(toPortalDateTime('2026-12-31T17:30:05.999Z')).toBe('20270101003005');
    expect(toPortalDateTime('2027-03-01T09:00:00+07:00')).toBe('20270301090000');
  });

  it('writes "" for a date the dossier does not have, and refuses garbage', () => {
    expect(toPortalDateTime(undefined)).toBe('');
    expect(toPortalDateTime(null)).toBe('');
    expect(() => toPortalDateTime('soon')).toThrow(RangeError);
  });

  it('agrees with the Asia/Ho_Chi_Minh time zone of the platform (Intl) for any instant 1990–2100', () => {
    const zone = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Ho_Chi_Minh',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const parts = Object.fromEntries(zone.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
        const expected = `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}${parts.second}`;
        expect(toPortalDateTime(new Date(ms).toISOString())).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the status table', () => {
  it('maps every local status by default, and a province overrides single entries', () => {
    for (const status of DOSSIER_STATUSES) expect(DEFAULT_STATUS_CODES[status]).toMatch(/^\d{1,3}$/);
    const table = statusTableOf({ statusCodes: { denied: '3', approved: '4' } });
    expect(table).toEqual({ ...DEFAULT_STATUS_CODES, denied: '3', approved: '4' });
  });
});

describe('DongBoHoSoMC: the full record', () => {
  it('maps the dossier to the portal fields, valid against the payload schema', () => {
    const payload = toDossierSyncPayload(
      { dossier: dossier(), fees, handlingAgencyName: 'UBND xã Tích Sơn' },
      tables,
    );
    expect(DossierSyncPayload.parse(payload)).toEqual(payload);
    expect(payload).toEqual({
      MaHoSo: '000.01.21.H62-270301-0007',
      MaTTHC: '1.001193',
      TenTTHC: 'Đăng ký khai sinh',
      MaLinhVuc: 'G09-TP03',
      TenLinhVuc: 'Hộ tịch',
      ChuHoSo: 'Nguyễn Văn An',
      LoaiDoiTuong: '1',
      NgayTiepNhan: '20270301090000',
      NgayHenTra: '20270303090000',
      TrangThaiHoSo: '4',
      NgayTra: '',
      HinhThuc: '0',
      DonViXuLy: 'UBND xã Tích Sơn',
      TaiLieuNop: [
        { TepDinhKemId: 'a1b2c3d4-0000-4000-8000-000000000001', TenTepDinhKem: 'Tờ khai đăng ký khai sinh' },
      ],
      DanhSachLePhi: [
        { MaPhiLePhi: 'LP-KS', TenPhiLePhi: 'Lệ phí đăng ký khai sinh', LoaiPhiLePhi: '2', Gia: 8000 },
        { MaPhiLePhi: 'P-BS', TenPhiLePhi: 'Phí cấp bản sao', LoaiPhiLePhi: '1', Gia: 5000 },
      ],
      DanhSachHoSoBoSung: [
        {
          HoSoBoSungId: '7d1f5c2e-0b7a-4f1e-9a3c-5e2d1c0b9a87-BS1',
          NoiDungBoSung: 'Bổ sung giấy chứng sinh',
          NgayBoSung: '20270301100000',
          NgayTiepNhanBoSung: '20270301153000',
          TrangThaiBoSung: '1',
        },
        {
          HoSoBoSungId: '7d1f5c2e-0b7a-4f1e-9a3c-5e2d1c0b9a87-BS2',
          NoiDungBoSung: 'Bổ sung bản sao CCCD của mẹ',
          NgayBoSung: '20270302080000',
          NgayTiepNhanBoSung: '',
          TrangThaiBoSung: '0',
        },
      ],
      DanhSachGiayToKetQua: [],
    });
  });

  it('sends no identity number, phone, address or form: the applicant is only named', () => {
    const text = JSON.stringify(
      toDossierSyncPayload({ dossier: dossier(), fees: [], handlingAgencyName: 'x' }, tables),
    );
    expect(text).not.toContain('026090001234');
    expect(text).not.toContain('0912345678');
    expect(text).not.toContain('to-khai.pdf');
  });

  it('uses the dossier id before a number is issued, and the mapped national code of a provincial procedure', () => {
    const payload = toDossierSyncPayload(
      {
        dossier: dossier({
          code: null,
          status: 'submitted',
          receivedAt: undefined,
          dueAt: undefined,
          procedure: {
            code: 'VP-cap-phep-quang-cao',
            version: 1,
            name: 'Cấp phép quảng cáo',
            field: 'Văn hóa',
            onlineLevel: 'partial',
          },
          applicant: {
            kind: 'business',
            fullName: 'Công ty TNHH Ánh Dương',
            identity: { idType: 'tax-code', idNumber: '2500123456' },
          },
          delivery: { method: 'postal', address: 'Số 1 Kim Ngọc, Vĩnh Yên' },
          pauses: [],
        }),
        fees: [],
        handlingAgencyName: 'Sở Văn hóa',
      },
      tables,
    );
    expect(payload).toMatchObject({
      MaHoSo: '7d1f5c2e-0b7a-4f1e-9a3c-5e2d1c0b9a87',
      MaTTHC: '2.000123',
      MaLinhVuc: 'Văn hóa', // unmapped field: sent by name
      LoaiDoiTuong: '2',
      TrangThaiHoSo: '1',
      NgayTiepNhan: '',
      NgayHenTra: '',
      HinhThuc: '1',
    });
  });

  it('sets NgayTra when the dossier is closed: returned, denied or cancelled', () => {
    const finishedAt = '2027-03-03T01:15:00.000Z';
    for (const [status, code] of [
      ['returned', '10'],
      ['denied', '8'],
      ['cancelled', '7'],
    ] as const) {
      const payload = toDossierSyncPayload(
        { dossier: { ...dossier({ status }), finishedAt }, fees: [], handlingAgencyName: 'x' },
        tables,
      );
      expect(payload).toMatchObject({ TrangThaiHoSo: code, NgayTra: '20270303081500' });
    }
    const released = toDossierSyncPayload(
      { dossier: { ...dossier({ status: 'released' }), finishedAt }, fees: [], handlingAgencyName: 'x' },
      tables,
    );
    expect(released.NgayTra).toBe('');
  });

  it('follows a province override of the status table', () => {
    const payload = toDossierSyncPayload(
      { dossier: dossier({ status: 'released' }), fees: [], handlingAgencyName: 'x' },
      { ...tables, statusCodes: statusTableOf({ statusCodes: { released: '11' } }) },
    );
    expect(payload.TrangThaiHoSo).toBe('11');
  });

  it('maps LoaiDoiTuong: 1 citizen, 2 business', () => {
    expect(applicantTypeOf('citizen')).toBe('1');
    expect(applicantTypeOf('business')).toBe('2');
  });
});

describe('CapNhatTienDoHoSoMC: progress', () => {
  const clerk: Actor = {
    type: 'user',
    sub: 's-1',
    username: 'clerk.tichson',
    roles: ['clerk'],
    agencyCode: '000.01.21.H62',
  };
  const summary = {
    id: '7d1f5c2e-0b7a-4f1e-9a3c-5e2d1c0b9a87',
    code: '000.01.21.H62-270301-0007',
    receivedAt: '2027-03-01T02:00:00.000Z',
    dueAt: '2027-03-03T02:00:00.000Z',
  };

  it('tells the step: who, when, where, what, and the status it led to', () => {
    const payload = toProgressPayload(
      {
        dossier: summary,
        action: 'request-supplement',
        toStatus: 'awaiting-supplement',
        occurredAt: '2027-03-01T03:00:00.000Z',
        actor: clerk,
        actingAgencyName: 'UBND xã Tích Sơn',
      },
      tables,
    );
    expect(ProgressPayload.parse(payload)).toEqual(payload);
    expect(payload).toEqual({
      MaHoSo: '000.01.21.H62-270301-0007',
      NguoiXuLy: 'clerk.tichson',
      ChucDanh: 'Cán bộ tiếp nhận',
      ThoiDiemXuLy: '20270301100000',
      PhongBanXuLy: 'UBND xã Tích Sơn',
      NoiDungXuLy: 'Yêu cầu bổ sung hồ sơ',
      TrangThai: '5',
      NgayBatDau: '20270301090000',
      NgayKetThucTheoQuyDinh: '20270303090000',
    });
  });

  it('never names the applicant or their account; a system actor is the system', () => {
    const citizen: Actor = { type: 'user', sub: 'sub-citizen', username: 'citizen.an', roles: ['citizen'] };
    const base = {
      dossier: summary,
      action: 'supplement' as const,
      toStatus: 'processing' as const,
      occurredAt: '2027-03-01T08:30:00.000Z',
      actingAgencyName: 'UBND xã Tích Sơn',
    };
    expect(toProgressPayload({ ...base, actor: citizen }, tables)).toMatchObject({
      NguoiXuLy: 'Người nộp hồ sơ',
      ChucDanh: '',
    });
    expect(JSON.stringify(toProgressPayload({ ...base, actor: citizen }, tables))).not.toContain(
      'citizen.an',
    );
    expect(
      toProgressPayload({ ...base, actor: { type: 'system', name: 'dossier-deadlines' } }, tables).NguoiXuLy,
    ).toBe('Hệ thống');
  });

  it('has a label for every action', () => {
    for (const action of DOSSIER_ACTIONS) {
      const payload = toProgressPayload(
        {
          dossier: summary,
          action,
          toStatus: 'processing',
          occurredAt: summary.receivedAt,
          actor: clerk,
          actingAgencyName: 'x',
        },
        tables,
      );
      expect(payload.NoiDungXuLy.length, action).toBeGreaterThan(3);
    }
  });
});

describe('what each event pushes', () => {
  const numbered = { syncOnSubmit: true, numbered: true };

  it('pushes a submission as a new dossier, unless the province waits for receipt', () => {
    expect(syncPlan({ kind: 'submitted' }, { syncOnSubmit: true, numbered: false })).toEqual([
      { service: 'DongBoHoSoMC', isUpdating: false },
    ]);
    expect(syncPlan({ kind: 'submitted' }, { syncOnSubmit: false, numbered: false })).toEqual([]);
    expect(
      syncPlan({ kind: 'status-changed', action: 'withdraw' }, { syncOnSubmit: false, numbered: false }),
    ).toEqual([]);
  });

  it('pushes the numbered dossier as new at receipt, then its progress', () => {
    expect(syncPlan({ kind: 'status-changed', action: 'receive' }, numbered)).toEqual([
      { service: 'DongBoHoSoMC', isUpdating: false },
      { service: 'CapNhatTienDoHoSoMC', isUpdating: true },
    ]);
  });

  it('updates the full record when a field of it changes, and always sends the progress step', () => {
    for (const action of DOSSIER_ACTIONS) {
      const services = syncPlan({ kind: 'status-changed', action }, numbered).map((push) => push.service);
      expect(services.at(-1), action).toBe('CapNhatTienDoHoSoMC');
      expect(services.includes('DongBoHoSoMC'), action).toBe(FULL_SYNC_ACTIONS.includes(action));
    }
    expect(syncPlan({ kind: 'status-changed', action: 'return' }, numbered)[0]).toEqual({
      service: 'DongBoHoSoMC',
      isUpdating: true,
    });
  });
});
