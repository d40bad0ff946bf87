/**
 * What the National Public Service Portal receives, as zod schemas (the mapper's output, the sync
 * log's content and the OpenAPI description come from them). Field names are the portal's.
 * Dates are `yyyyMMddHHmmss` in Vietnam time (Asia/Ho_Chi_Minh), "" when unknown; codes are text.
 */
import * as z from 'zod/mini';

export const PORTAL_SERVICES = ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'] as const;
/** `DongBoHoSoMC`: full dossier sync (đồng bộ hồ sơ); `CapNhatTienDoHoSoMC`: progress (cập nhật tiến độ). */
export type PortalService = (typeof PORTAL_SERVICES)[number];

/** `yyyyMMddHHmmss`, or "" for a date the dossier does not have yet. */
const portalDateTime = z.string().check(z.regex(/^(\d{14})?$/));

/** A submitted paper (tài liệu nộp): the stored file and which required paper it is. */
const SubmittedPaper = z.object({ TepDinhKemId: z.string(), TenTepDinhKem: z.string() });

/** A fee line of the procedure (phí, lệ phí); `LoaiPhiLePhi` 1 phí, 2 lệ phí; integer VND. */
const FeeItem = z.object({
  MaPhiLePhi: z.string(),
  TenPhiLePhi: z.string(),
  LoaiPhiLePhi: z.enum(['1', '2']),
  Gia: z.number(),
});

/** A supplement request (hồ sơ bổ sung); `TrangThaiBoSung` 0 waiting for the papers, 1 papers received. */
const SupplementItem = z.object({
  HoSoBoSungId: z.string(),
  NoiDungBoSung: z.string(),
  NgayBoSung: portalDateTime,
  NgayTiepNhanBoSung: portalDateTime,
  TrangThaiBoSung: z.enum(['0', '1']),
});

/** A result paper (giấy tờ kết quả). */
const ResultPaper = z.object({ GiayToId: z.string(), TenGiayTo: z.string() });

export const DossierSyncPayload = z
  .object({
    /** Dossier number (số hồ sơ); the dossier id before a number is issued. */
    MaHoSo: z.string(),
    MaTTHC: z.string(),
    TenTTHC: z.string(),
    MaLinhVuc: z.string(),
    TenLinhVuc: z.string(),
    /** The applicant's name: the only personal data the portal receives. */
    ChuHoSo: z.string(),
    /** 1 citizen (công dân), 2 business (doanh nghiệp, tổ chức). */
    LoaiDoiTuong: z.enum(['1', '2']),
    NgayTiepNhan: portalDateTime,
    NgayHenTra: portalDateTime,
    TrangThaiHoSo: z.string(),
    NgayTra: portalDateTime,
    /** Result returned by post (1) or not (0). */
    HinhThuc: z.enum(['0', '1']),
    /** The agency now handling the dossier. */
    DonViXuLy: z.string(),
    TaiLieuNop: z.array(SubmittedPaper),
    DanhSachLePhi: z.array(FeeItem),
    DanhSachHoSoBoSung: z.array(SupplementItem),
    DanhSachGiayToKetQua: z.array(ResultPaper),
  })
  .register(z.globalRegistry, {
    id: 'NationalPortalDossierSync',
    description: 'DongBoHoSoMC: the whole dossier as the national portal holds it',
  });
export type DossierSyncPayload = z.infer<typeof DossierSyncPayload>;

export const ProgressPayload = z
  .object({
    MaHoSo: z.string(),
    /** Who acted: the officer's username, "Người nộp hồ sơ" for the applicant, or the system. */
    NguoiXuLy: z.string(),
    ChucDanh: z.string(),
    ThoiDiemXuLy: portalDateTime,
    /** The agency that acted. */
    PhongBanXuLy: z.string(),
    NoiDungXuLy: z.string(),
    /** National status code after the action. */
    TrangThai: z.string(),
    NgayBatDau: portalDateTime,
    NgayKetThucTheoQuyDinh: portalDateTime,
  })
  .register(z.globalRegistry, {
    id: 'NationalPortalProgress',
    description: 'CapNhatTienDoHoSoMC: one processing step of a dossier',
  });
export type ProgressPayload = z.infer<typeof ProgressPayload>;

/** One push: which service, with which record. */
export type PortalRequest =
  | {
      readonly service: 'DongBoHoSoMC';
      readonly payload: DossierSyncPayload;
      /** The portal already holds this MaHoSo (an update, not a new dossier). */
      readonly isUpdating: boolean;
    }
  | { readonly service: 'CapNhatTienDoHoSoMC'; readonly payload: ProgressPayload };

/** An entry of the sync log: one push, as sent (http) or as it would have been sent (local stand-in). */
export const SyncRecord = z
  .object({
    dossierId: z.string(),
    service: z.enum(PORTAL_SERVICES),
    /** DongBoHoSoMC: whether it was sent as an update of a dossier the portal holds. */
    isUpdating: z.optional(z.boolean()),
    payload: z.union([DossierSyncPayload, ProgressPayload]),
    /** `local`: recorded by the stand-in, not sent; `http`: sent to the portal. */
    mode: z.enum(['local', 'http']),
    delivered: z.boolean(),
    httpStatus: z.optional(z.number()),
    errorCode: z.optional(z.string()),
    /** The event that caused the push. */
    eventId: z.string(),
    eventType: z.string(),
    occurredAt: z.string(),
    recordedAt: z.string(),
  })
  .register(z.globalRegistry, {
    id: 'NationalPortalSyncRecord',
    description: 'A push to the national portal, or one the local stand-in would have made',
  });
export type SyncRecord = z.infer<typeof SyncRecord>;
