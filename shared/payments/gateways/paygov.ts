/**
 * National payment platform adapter (Nền tảng thanh toán trực tuyến quốc gia, PayGov), driven by
 * configuration. Payload fields follow what the platform publishes for public services:
 * `MaTraCuuTT` (payment lookup code), `MaDVC`, `MaTTHC`, `MaDonVi`,
 * `PhiLePhi[{LoaiPhiLePhi, MaPhiLePhi, SoTien}]`, beneficiary account, bank and treasury (KhoBac),
 * payer name and ID; operations create-transaction, payment-confirm (callback), lookup.
 *
 * ASSUMPTION (the platform's signing scheme is not public; see docs/payments.md): both directions
 * are signed with an HMAC (`signature.algorithm`, SHA-256 by default) over `<timestamp>.<raw JSON
 * body>`, the signature in `signature.header` and the Unix timestamp in `signature.timestampHeader`;
 * a callback older or newer than `signature.toleranceSeconds` is refused. The callback is a POST
 * with a JSON body; we answer JSON `{ MaLoi, MoTa }` (`00` ok, `01` unknown order, `02` already
 * confirmed, `04` wrong amount, `97` bad signature, `98` stale, `99` malformed).
 */
import * as z from 'zod/mini';
import { CallbackSignatureConfig, type GatewaySettings } from '../config.ts';
import { vietnamTimestamp } from '../payment.ts';
import {
  type CallbackAnswer,
  type CallbackOutcome,
  type CallbackRequest,
  type CallbackVerdict,
  GatewayError,
  type GatewayStatus,
  gatewayStatusError,
  type PaymentGatewayAdapter,
  type PaymentOrder,
} from './gateway.ts';
import { hmac, postJson, signaturesMatch } from './hmac.ts';

/** The payment-confirm callback's body. */
export const PaygovCallback = z.object({
  MaTraCuuTT: z.string().check(z.minLength(1), z.maxLength(64)),
  MaGiaoDich: z.optional(z.string().check(z.maxLength(64))),
  SoTien: z.number().check(z.int(), z.nonnegative()),
  MaTienTe: z._default(z.string(), 'VND'),
  /** `00` paid; anything else failed. */
  TrangThai: z.string(),
  MaDonVi: z.optional(z.string()),
  ThoiGianGD: z.optional(z.string()),
});
export type PaygovCallback = z.infer<typeof PaygovCallback>;

const ANSWERS: Record<CallbackOutcome, { status: number; MaLoi: string; MoTa: string }> = {
  confirmed: { status: 200, MaLoi: '00', MoTa: 'Thành công' },
  'already-confirmed': { status: 200, MaLoi: '02', MoTa: 'Giao dịch đã được xác nhận' },
  'not-found': { status: 404, MaLoi: '01', MoTa: 'Không tìm thấy mã tra cứu thanh toán' },
  'invalid-amount': { status: 400, MaLoi: '04', MoTa: 'Số tiền không khớp' },
  'invalid-signature': { status: 401, MaLoi: '97', MoTa: 'Chữ ký không hợp lệ' },
  stale: { status: 401, MaLoi: '98', MoTa: 'Thời gian yêu cầu không hợp lệ' },
  malformed: { status: 400, MaLoi: '99', MoTa: 'Yêu cầu không hợp lệ' },
  'wrong-method': { status: 405, MaLoi: '99', MoTa: 'Phương thức không hợp lệ' },
  error: { status: 503, MaLoi: '99', MoTa: 'Lỗi tạm thời, vui lòng gửi lại' },
};

export class PaygovGateway implements PaymentGatewayAdapter {
  readonly callbackMethods = ['POST'] as const;
  private readonly signature: CallbackSignatureConfig;

  constructor(
    readonly settings: GatewaySettings,
    private readonly secret: string,
  ) {
    this.signature = settings.signature ?? CallbackSignatureConfig.parse({});
  }

  /** The signature of a body sent or received at `timestamp` (Unix seconds). */
  sign(timestamp: string, rawBody: string | Buffer): string {
    const data = Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), Buffer.from(rawBody)]);
    return hmac(this.signature.algorithm, this.secret, data, this.signature.encoding);
  }

  private signedHeaders(body: string, at: Date): Record<string, string> {
    const timestamp = String(Math.floor(at.getTime() / 1000));
    return {
      [this.signature.timestampHeader]: timestamp,
      [this.signature.header]: this.sign(timestamp, body),
    };
  }

  private async call(operation: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!this.settings.apiUrl) throw new GatewayError(`Gateway ${this.settings.id} has no apiUrl`);
    const body = JSON.stringify(payload);
    const { status, json } = await postJson(
      `${this.settings.apiUrl}/${operation}`,
      body,
      this.settings.timeoutMs,
      this.signedHeaders(body, new Date()),
    );
    const answer = (json ?? {}) as Record<string, unknown>;
    if (status !== 200 || answer.MaLoi !== '00') {
      throw gatewayStatusError('The national payment platform', status, String(answer.MaLoi ?? ''));
    }
    return answer;
  }

  async createPayment(order: PaymentOrder) {
    const { payment } = order;
    if (!this.settings.apiUrl) {
      // Without the platform's API (local runtime), the payer goes to the configured test page.
      if (!this.settings.payUrl)
        throw new GatewayError(`Gateway ${this.settings.id} has no apiUrl nor payUrl`);
      return { redirectUrl: `${this.settings.payUrl}?MaTraCuuTT=${encodeURIComponent(payment.code)}` };
    }
    const answer = await this.call('create-transaction', {
      MaTraCuuTT: payment.code,
      MaDVC: this.settings.serviceCode ?? this.settings.merchantCode,
      MaTTHC: payment.procedureCode,
      MaDonVi: payment.agencyCode,
      MaHoSo: payment.dossierCode ?? payment.dossierId,
      PhiLePhi: payment.lines.map((line) => ({
        LoaiPhiLePhi: line.kind === 'fee' ? 1 : 2,
        MaPhiLePhi: line.code,
        TenPhiLePhi: line.name,
        SoTien: line.amount,
      })),
      TongTien: payment.amount,
      MaTienTe: payment.currency,
      ...(this.settings.beneficiary
        ? {
            SoTaiKhoanThuHuong: this.settings.beneficiary.account,
            NganHangThuHuong: this.settings.beneficiary.bank,
            ...(this.settings.beneficiary.treasury ? { KhoBac: this.settings.beneficiary.treasury } : {}),
          }
        : {}),
      HoTenNguoiNop: payment.payerName,
      SoGiayToNguoiNop: payment.payerIdNumber,
      ThoiGianTao: vietnamTimestamp(new Date(payment.createdAt)),
      ThoiHanThanhToan: vietnamTimestamp(new Date(payment.expiresAt)),
      ...(order.returnUrl ? { UrlQuayLai: order.returnUrl } : {}),
    });
    if (typeof answer.UrlThanhToan !== 'string') throw new GatewayError('No UrlThanhToan in the answer');
    return { redirectUrl: answer.UrlThanhToan };
  }

  verifyCallback(request: CallbackRequest): CallbackVerdict {
    if (request.method !== 'POST')
      return { ok: false, reason: 'wrong-method', detail: 'The callback is a POST' };
    const timestamp = request.headers[this.signature.timestampHeader];
    const received = request.headers[this.signature.header];
    if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !received) {
      return { ok: false, reason: 'invalid-signature', detail: 'Signature or timestamp header missing' };
    }
    // Over the raw bytes, before any parsing.
    if (!signaturesMatch(this.sign(timestamp, request.rawBody), received, this.signature.encoding)) {
      return { ok: false, reason: 'invalid-signature', detail: 'The signature does not match the body' };
    }
    const skew = Math.abs(request.receivedAt.getTime() / 1000 - Number(timestamp));
    if (skew > this.signature.toleranceSeconds) {
      return { ok: false, reason: 'stale', detail: `The timestamp is ${Math.round(skew)} s away` };
    }
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed', detail: 'The body is not JSON' };
    }
    const parsed = PaygovCallback.safeParse(json);
    if (!parsed.success) return { ok: false, reason: 'malformed', detail: 'The body misses required fields' };
    const body = parsed.data;
    const paid = body.TrangThai === '00';
    return {
      ok: true,
      notification: {
        code: body.MaTraCuuTT,
        outcome: paid ? 'paid' : 'failed',
        amount: body.SoTien,
        currency: body.MaTienTe,
        ...(body.MaGiaoDich ? { gatewayTransactionId: body.MaGiaoDich } : {}),
        ...(paid ? {} : { failureCode: body.TrangThai }),
      },
    };
  }

  answer(outcome: CallbackOutcome): CallbackAnswer {
    const { status, MaLoi, MoTa } = ANSWERS[outcome];
    return { status, contentType: 'application/json', body: JSON.stringify({ MaLoi, MoTa }) };
  }

  async queryStatus(payment: { code: string }): Promise<GatewayStatus> {
    if (!this.settings.apiUrl) return { status: 'unknown', detail: 'No apiUrl configured for lookups' };
    const answer = await this.call('lookup', { MaTraCuuTT: payment.code });
    const state = String(answer.TrangThai ?? '');
    const base = {
      ...(typeof answer.SoTien === 'number' ? { amount: answer.SoTien } : {}),
      ...(typeof answer.MaGiaoDich === 'string' ? { gatewayTransactionId: answer.MaGiaoDich } : {}),
    };
    if (state === '00') return { status: 'paid', ...base };
    if (state === '01' || state === '') return { status: 'pending', ...base };
    return { status: 'failed', ...base, failureCode: state };
  }

  async refund(
    payment: { code: string; gatewayTransactionId?: string | undefined },
    input: { amount: number; reason: string; by: string },
  ) {
    const answer = await this.call('refund', {
      MaTraCuuTT: payment.code,
      MaGiaoDich: payment.gatewayTransactionId,
      SoTien: input.amount,
      LyDo: input.reason,
      NguoiThucHien: input.by,
    });
    return { reference: String(answer.MaGiaoDichHoanTien ?? payment.code) };
  }

  simulateCallback(
    payment: { code: string; amount: number },
    outcome: 'paid' | 'failed',
    at: Date,
  ): CallbackRequest {
    const body = JSON.stringify({
      MaTraCuuTT: payment.code,
      MaGiaoDich: `PG${at.getTime()}`,
      SoTien: payment.amount,
      MaTienTe: 'VND',
      TrangThai: outcome === 'paid' ? '00' : '05',
      MaDonVi: this.settings.merchantCode,
      ThoiGianGD: vietnamTimestamp(at),
    });
    return {
      method: 'POST',
      rawQuery: '',
      rawBody: Buffer.from(body, 'utf8'),
      headers: { 'content-type': 'application/json', ...this.signedHeaders(body, at) },
      receivedAt: at,
    };
  }
}
