/**
 * From a dossier to what the National Public Service Portal receives (./payloads.ts). Pure: no AWS,
 * no clock, no environment; the sync use case (./sync.ts) reads the dossier, its procedure's fees
 * and agency names, and passes them in with the province's tables (./config.ts).
 *
 * | trigger                                                   | pushed                                   |
 * |-----------------------------------------------------------|------------------------------------------|
 * | DossierSubmitted (when `syncOnSubmit`)                    | DongBoHoSoMC (new)                       |
 * | receive                                                   | DongBoHoSoMC (new, now numbered) + CapNhatTienDoHoSoMC |
 * | an action changing the full record (FULL_SYNC_ACTIONS)    | DongBoHoSoMC (update) + CapNhatTienDoHoSoMC |
 * | any other action (assign, forward, approve)               | CapNhatTienDoHoSoMC                      |
 * Before receipt (no dossier number) nothing is pushed unless `syncOnSubmit`.
 */

import type { Actor } from '#events/envelope.ts';
import { VIETNAM_UTC_OFFSET_MS } from '../calendar/civil-date.ts';
import type { Dossier } from '../dossiers/dossier.ts';
import { type DossierAction, type DossierStatus, FINAL_STATUSES } from '../dossiers/state-machine.ts';
import type { FeeLine } from '../procedures/procedure.ts';
import type { DossierSyncPayload, PortalService, ProgressPayload } from './payloads.ts';

/** An ISO 8601 instant as the portal's `yyyyMMddHHmmss` in Vietnam time; "" when absent. */
export function toPortalDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not a date: ${iso}`);
  const local = new Date(ms + VIETNAM_UTC_OFFSET_MS).toISOString(); // yyyy-MM-ddTHH:mm:ss.sssZ
  return `${local.slice(0, 4)}${local.slice(5, 7)}${local.slice(8, 10)}${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}`;
}

/** LoaiDoiTuong: 1 citizen (công dân), 2 business or organisation. */
export const applicantTypeOf = (kind: Dossier['applicant']['kind']): '1' | '2' =>
  kind === 'business' ? '2' : '1';

/** The province's tables, resolved (statusTableOf + the code maps of NationalPortalConfig). */
export interface PortalTables {
  readonly statusCodes: Readonly<Record<DossierStatus, string>>;
  readonly procedureCodes: Readonly<Record<string, string>>;
  readonly fieldCodes: Readonly<Record<string, string>>;
}

/** MaHoSo: the dossier number once issued at receipt; before that the dossier id. */
export const portalDossierId = (dossier: Pick<Dossier, 'id' | 'code'>): string => dossier.code ?? dossier.id;

type SyncedDossier = Pick<
  Dossier,
  | 'id'
  | 'code'
  | 'procedure'
  | 'applicant'
  | 'status'
  | 'receivedAt'
  | 'dueAt'
  | 'finishedAt'
  | 'delivery'
  | 'attachments'
  | 'pauses'
>;

export interface DossierSyncInput {
  readonly dossier: SyncedDossier;
  /** The fee lines of the procedure version the dossier was submitted under. */
  readonly fees: readonly Pick<FeeLine, 'code' | 'name' | 'kind' | 'amount'>[];
  /** Name of the agency now handling it (DonViXuLy). */
  readonly handlingAgencyName: string;
}

/** DongBoHoSoMC: the whole dossier. `NgayTra` is set once it is closed: returned, denied or cancelled. */
export function toDossierSyncPayload(input: DossierSyncInput, tables: PortalTables): DossierSyncPayload {
  const { dossier } = input;
  const closed = FINAL_STATUSES.includes(dossier.status);
  return {
    MaHoSo: portalDossierId(dossier),
    MaTTHC: tables.procedureCodes[dossier.procedure.code] ?? dossier.procedure.code,
    TenTTHC: dossier.procedure.name,
    MaLinhVuc: tables.fieldCodes[dossier.procedure.field] ?? dossier.procedure.field,
    TenLinhVuc: dossier.procedure.field,
    ChuHoSo: dossier.applicant.fullName,
    LoaiDoiTuong: applicantTypeOf(dossier.applicant.kind),
    NgayTiepNhan: toPortalDateTime(dossier.receivedAt),
    NgayHenTra: toPortalDateTime(dossier.dueAt),
    TrangThaiHoSo: tables.statusCodes[dossier.status],
    NgayTra: closed ? toPortalDateTime(dossier.finishedAt) : '',
    HinhThuc: dossier.delivery.method === 'postal' ? '1' : '0',
    DonViXuLy: input.handlingAgencyName,
    TaiLieuNop: dossier.attachments.map((attachment) => ({
      TepDinhKemId: attachment.fileId,
      TenTepDinhKem: attachment.paper,
    })),
    DanhSachLePhi: input.fees.map((line) => ({
      MaPhiLePhi: line.code,
      TenPhiLePhi: line.name,
      LoaiPhiLePhi: line.kind === 'fee' ? '1' : '2',
      Gia: line.amount,
    })),
    DanhSachHoSoBoSung: dossier.pauses.map((pause, i) => ({
      HoSoBoSungId: `${dossier.id}-BS${i + 1}`,
      NoiDungBoSung: pause.note,
      NgayBoSung: toPortalDateTime(pause.from),
      NgayTiepNhanBoSung: toPortalDateTime(pause.to),
      TrangThaiBoSung: pause.to ? '1' : '0',
    })),
    // The dossier model does not record result papers yet (documents, issue 6).
    DanhSachGiayToKetQua: [],
  };
}

/** NoiDungXuLy: what the step was, in the portal's language. */
export const PROGRESS_LABELS: Readonly<Record<DossierAction, string>> = {
  receive: 'Tiếp nhận hồ sơ',
  assign: 'Phân công xử lý',
  forward: 'Chuyển bước xử lý',
  'request-supplement': 'Yêu cầu bổ sung hồ sơ',
  supplement: 'Tiếp nhận hồ sơ bổ sung',
  extend: 'Gia hạn thời gian giải quyết',
  approve: 'Phê duyệt kết quả',
  release: 'Kết quả sẵn sàng trả',
  return: 'Trả kết quả',
  deny: 'Từ chối giải quyết',
  cancel: 'Hủy hồ sơ',
  withdraw: 'Rút hồ sơ',
};

const ROLE_TITLES: Readonly<Record<string, string>> = {
  clerk: 'Cán bộ tiếp nhận',
  specialist: 'Chuyên viên xử lý',
  leader: 'Lãnh đạo',
};

/** NguoiXuLy / ChucDanh: the officer by username; the applicant never by name or account. */
function actorOf(actor: Actor): { NguoiXuLy: string; ChucDanh: string } {
  if (actor.type === 'system') return { NguoiXuLy: 'Hệ thống', ChucDanh: '' };
  if (actor.roles.includes('citizen')) return { NguoiXuLy: 'Người nộp hồ sơ', ChucDanh: '' };
  const role = actor.roles.find((candidate) => ROLE_TITLES[candidate]);
  return { NguoiXuLy: actor.username, ChucDanh: role ? ROLE_TITLES[role]! : '' };
}

export interface ProgressInput {
  /** The dossier as the event saw it (its summary): number, receipt and due date at that step. */
  readonly dossier: {
    readonly id: string;
    readonly code: string | null;
    readonly receivedAt?: string | null | undefined;
    readonly dueAt?: string | null | undefined;
  };
  /** The change as its event tells it: the action, the status it led to, when and by whom. */
  readonly action: DossierAction;
  readonly toStatus: DossierStatus;
  readonly occurredAt: string;
  readonly actor: Actor;
  /** Name of the agency that acted (PhongBanXuLy). */
  readonly actingAgencyName: string;
}

/** CapNhatTienDoHoSoMC: one step, with the status it led to (not the dossier's status now). */
export function toProgressPayload(input: ProgressInput, tables: PortalTables): ProgressPayload {
  return {
    MaHoSo: portalDossierId(input.dossier),
    ...actorOf(input.actor),
    ThoiDiemXuLy: toPortalDateTime(input.occurredAt),
    PhongBanXuLy: input.actingAgencyName,
    NoiDungXuLy: PROGRESS_LABELS[input.action],
    TrangThai: tables.statusCodes[input.toStatus],
    NgayBatDau: toPortalDateTime(input.dossier.receivedAt),
    NgayKetThucTheoQuyDinh: toPortalDateTime(input.dossier.dueAt),
  };
}

/** Actions after which the full record changes (receipt, due date, supplements, closing date). */
export const FULL_SYNC_ACTIONS: readonly DossierAction[] = [
  'receive',
  'request-supplement',
  'supplement',
  'extend',
  'release',
  'return',
  'deny',
  'cancel',
  'withdraw',
];

export type SyncTrigger =
  | { readonly kind: 'submitted' }
  | { readonly kind: 'status-changed'; readonly action: DossierAction };

export interface PlannedPush {
  readonly service: PortalService;
  /** DongBoHoSoMC only: the portal already holds this MaHoSo. */
  readonly isUpdating: boolean;
}

/** Which services an event leads to, in the order they are pushed (full record first). */
export function syncPlan(
  trigger: SyncTrigger,
  options: { readonly syncOnSubmit: boolean; readonly numbered: boolean },
): PlannedPush[] {
  if (!options.numbered && !options.syncOnSubmit) return [];
  if (trigger.kind === 'submitted') {
    return options.syncOnSubmit ? [{ service: 'DongBoHoSoMC', isUpdating: false }] : [];
  }
  const progress: PlannedPush = { service: 'CapNhatTienDoHoSoMC', isUpdating: true };
  if (!FULL_SYNC_ACTIONS.includes(trigger.action)) return [progress];
  // Receipt issues the number: a new MaHoSo for the portal.
  return [{ service: 'DongBoHoSoMC', isUpdating: trigger.action !== 'receive' }, progress];
}
