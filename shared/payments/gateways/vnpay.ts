/**
 * VNPay-protocol gateway (cổng thanh toán VNPAY, API 2.1.0): the payer is redirected with signed
 * query parameters; the gateway confirms with an IPN (a GET with the signed query string) that we
 * answer with JSON `{ RspCode, Message }`; `querydr` and `refund` are JSON calls to its server API.
 *
 * Signature: HMAC-SHA512 with the merchant's hash secret over the parameters sorted by name, each
 * name and value URL-encoded (spaces as `+`) and joined `k=v&k=v`, sent as `vnp_SecureHash` (hex).
 * The server API signs the `|`-joined values of a fixed field list instead.
 */
import { randomUUID } from 'node:crypto';
import type { GatewaySettings } from '../config.ts';
import { parseVietnamTimestamp, vietnamTimestamp } from '../payment.ts';
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

export const VNPAY_VERSION = '2.1.0';

const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/** The signed data of a redirect or an IPN: sorted, URL-encoded `k=v` pairs (VNPay's sortObject + stringify). */
export function vnpaySignData(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'vnp_SecureHash' && key !== 'vnp_SecureHashType')
    .map((key) => [encode(key), encode(params[key]!)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

export const vnpaySign = (secret: string, params: Readonly<Record<string, string>>): string =>
  hmac('sha512', secret, vnpaySignData(params));

/** Parses a raw query string as VNPay encodes it; undefined when malformed or a name repeats. */
export function parseVnpayQuery(rawQuery: string): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  if (!rawQuery) return params;
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const rawKey = at < 0 ? pair : pair.slice(0, at);
    const rawValue = at < 0 ? '' : pair.slice(at + 1);
    try {
      const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
      if (Object.hasOwn(params, key)) return undefined;
      params[key] = value;
    } catch {
      return undefined;
    }
  }
  return params;
}

/** RspCode answers of the IPN (VNPay's merchant integration guide). */
const IPN_ANSWERS: Record<CallbackOutcome, { RspCode: string; Message: string }> = {
  confirmed: { RspCode: '00', Message: 'Confirm Success' },
  'already-confirmed': { RspCode: '02', Message: 'Order already confirmed' },
  'not-found': { RspCode: '01', Message: 'Order not found' },
  'invalid-amount': { RspCode: '04', Message: 'Invalid amount' },
  'invalid-signature': { RspCode: '97', Message: 'Invalid signature' },
  malformed: { RspCode: '99', Message: 'Invalid request' },
  stale: { RspCode: '99', Message: 'Invalid request' },
  'wrong-method': { RspCode: '99', Message: 'Invalid request' },
  error: { RspCode: '99', Message: 'Unknown error' },
};

const REQUIRED_IPN_FIELDS = ['vnp_TxnRef', 'vnp_Amount', 'vnp_ResponseCode', 'vnp_TmnCode', 'vnp_SecureHash'];

export class VnpayGateway implements PaymentGatewayAdapter {
  readonly callbackMethods = ['GET'] as const;

  constructor(
    readonly settings: GatewaySettings,
    private readonly secret: string,
  ) {}

  async createPayment(order: PaymentOrder) {
    if (!this.settings.payUrl) throw new GatewayError(`Gateway ${this.settings.id} has no payUrl`);
    const { payment } = order;
    const params: Record<string, string> = {
      vnp_Version: VNPAY_VERSION,
      vnp_Command: 'pay',
      vnp_TmnCode: this.settings.merchantCode,
      vnp_Amount: String(payment.amount * 100),
      vnp_CurrCode: 'VND',
      vnp_TxnRef: payment.code,
      // ASCII only, as VNPay asks: "Thanh toan phi ho so <number>".
      vnp_OrderInfo: `Thanh toan phi ho so ${payment.dossierCode ?? payment.dossierId}`,
      vnp_OrderType: 'other',
      vnp_Locale: 'vn',
      vnp_IpAddr: order.clientIp,
      vnp_CreateDate: vietnamTimestamp(new Date(payment.createdAt)),
      vnp_ExpireDate: vietnamTimestamp(new Date(payment.expiresAt)),
      ...(order.returnUrl ? { vnp_ReturnUrl: order.returnUrl } : {}),
    };
    const query = vnpaySignData(params);
    return {
      redirectUrl: `${this.settings.payUrl}?${query}&vnp_SecureHash=${vnpaySign(this.secret, params)}`,
    };
  }

  verifyCallback(request: CallbackRequest): CallbackVerdict {
    if (request.method !== 'GET') {
      return { ok: false, reason: 'wrong-method', detail: 'A VNPay IPN is a GET' };
    }
    const params = parseVnpayQuery(request.rawQuery);
    if (!params) return { ok: false, reason: 'malformed', detail: 'The query string is not well-formed' };
    const missing = REQUIRED_IPN_FIELDS.filter((field) => !params[field]);
    if (missing.length) return { ok: false, reason: 'malformed', detail: `Missing ${missing.join(', ')}` };
    if (!signaturesMatch(vnpaySign(this.secret, params), params.vnp_SecureHash, 'hex')) {
      return { ok: false, reason: 'invalid-signature', detail: 'vnp_SecureHash does not match' };
    }
    const raw = params.vnp_Amount!;
    const amount = /^\d{1,17}$/.test(raw) && Number(raw) % 100 === 0 ? Number(raw) / 100 : Number.NaN;
    const paid = params.vnp_ResponseCode === '00' && (params.vnp_TransactionStatus ?? '00') === '00';
    return {
      ok: true,
      notification: {
        code: params.vnp_TmnCode === this.settings.merchantCode ? params.vnp_TxnRef! : '',
        outcome: paid ? 'paid' : 'failed',
        amount,
        currency: params.vnp_CurrCode ?? 'VND',
        ...(params.vnp_TransactionNo ? { gatewayTransactionId: params.vnp_TransactionNo } : {}),
        ...(paid ? {} : { failureCode: params.vnp_ResponseCode! }),
      },
    };
  }

  answer(outcome: CallbackOutcome): CallbackAnswer {
    // VNPay reads the answer from the body; the HTTP status is always 200.
    return { status: 200, contentType: 'application/json', body: JSON.stringify(IPN_ANSWERS[outcome]) };
  }

  private async api(fields: string[], params: Record<string, string>, responseFields: string[]) {
    if (!this.settings.apiUrl) throw new GatewayError(`Gateway ${this.settings.id} has no apiUrl`);
    const body = {
      ...params,
      vnp_SecureHash: hmac('sha512', this.secret, fields.map((field) => params[field] ?? '').join('|')),
    };
    const { status, json } = await postJson(this.settings.apiUrl, body, this.settings.timeoutMs);
    const answer = (json ?? {}) as Record<string, string | number | undefined>;
    if (status !== 200 || typeof answer.vnp_ResponseCode !== 'string')
      throw gatewayStatusError('VNPay', status);
    if (answer.vnp_SecureHash !== undefined) {
      const data = responseFields.map((field) => String(answer[field] ?? '')).join('|');
      if (!signaturesMatch(hmac('sha512', this.secret, data), String(answer.vnp_SecureHash), 'hex')) {
        throw new GatewayError('The VNPay answer is not signed with our secret');
      }
    }
    return answer;
  }

  async queryStatus(payment: { code: string; createdAt: string }): Promise<GatewayStatus> {
    if (!this.settings.apiUrl) return { status: 'unknown', detail: 'No apiUrl configured for querydr' };
    const params: Record<string, string> = {
      vnp_RequestId: randomUUID().replace(/-/g, '').slice(0, 32),
      vnp_Version: VNPAY_VERSION,
      vnp_Command: 'querydr',
      vnp_TmnCode: this.settings.merchantCode,
      vnp_TxnRef: payment.code,
      vnp_TransactionDate: vietnamTimestamp(new Date(payment.createdAt)),
      vnp_CreateDate: vietnamTimestamp(new Date()),
      vnp_IpAddr: '127.0.0.1',
      vnp_OrderInfo: `Truy van giao dich ${payment.code}`,
    };
    const answer = await this.api(
      [
        'vnp_RequestId',
        'vnp_Version',
        'vnp_Command',
        'vnp_TmnCode',
        'vnp_TxnRef',
        'vnp_TransactionDate',
        'vnp_CreateDate',
        'vnp_IpAddr',
        'vnp_OrderInfo',
      ],
      params,
      [
        'vnp_ResponseId',
        'vnp_Command',
        'vnp_ResponseCode',
        'vnp_Message',
        'vnp_TmnCode',
        'vnp_TxnRef',
        'vnp_Amount',
        'vnp_BankCode',
        'vnp_PayDate',
        'vnp_TransactionNo',
        'vnp_TransactionType',
        'vnp_TransactionStatus',
        'vnp_OrderInfo',
        'vnp_PromotionCode',
        'vnp_PromotionAmount',
      ],
    );
    // 91: the gateway has no such transaction (the payer never paid).
    if (answer.vnp_ResponseCode === '91') return { status: 'pending', detail: 'Unknown to VNPay' };
    if (answer.vnp_ResponseCode !== '00')
      return { status: 'unknown', detail: `querydr ${answer.vnp_ResponseCode}` };
    const amount = Number(answer.vnp_Amount) / 100;
    const transactionStatus = String(answer.vnp_TransactionStatus ?? '');
    const base = {
      amount,
      ...(answer.vnp_TransactionNo ? { gatewayTransactionId: String(answer.vnp_TransactionNo) } : {}),
    };
    if (transactionStatus === '00') return { status: 'paid', ...base };
    if (transactionStatus === '01') return { status: 'pending', ...base };
    return { status: 'failed', ...base, failureCode: transactionStatus };
  }

  async refund(
    payment: { code: string; amount: number; createdAt: string; gatewayTransactionId?: string | undefined },
    input: { amount: number; reason: string; by: string },
  ) {
    const params: Record<string, string> = {
      vnp_RequestId: randomUUID().replace(/-/g, '').slice(0, 32),
      vnp_Version: VNPAY_VERSION,
      vnp_Command: 'refund',
      vnp_TmnCode: this.settings.merchantCode,
      vnp_TransactionType: input.amount === payment.amount ? '02' : '03',
      vnp_TxnRef: payment.code,
      vnp_Amount: String(input.amount * 100),
      vnp_TransactionNo: payment.gatewayTransactionId ?? '',
      vnp_TransactionDate: vietnamTimestamp(new Date(payment.createdAt)),
      vnp_CreateBy: input.by,
      vnp_CreateDate: vietnamTimestamp(new Date()),
      vnp_IpAddr: '127.0.0.1',
      vnp_OrderInfo: `Hoan tien ${payment.code}`,
    };
    const answer = await this.api(
      [
        'vnp_RequestId',
        'vnp_Version',
        'vnp_Command',
        'vnp_TmnCode',
        'vnp_TransactionType',
        'vnp_TxnRef',
        'vnp_Amount',
        'vnp_TransactionNo',
        'vnp_TransactionDate',
        'vnp_CreateBy',
        'vnp_CreateDate',
        'vnp_IpAddr',
        'vnp_OrderInfo',
      ],
      params,
      [
        'vnp_ResponseId',
        'vnp_Command',
        'vnp_ResponseCode',
        'vnp_Message',
        'vnp_TmnCode',
        'vnp_TxnRef',
        'vnp_Amount',
        'vnp_BankCode',
        'vnp_PayDate',
        'vnp_TransactionNo',
        'vnp_TransactionType',
        'vnp_TransactionStatus',
        'vnp_OrderInfo',
      ],
    );
    if (answer.vnp_ResponseCode !== '00') {
      throw new GatewayError(
        `VNPay refused the refund (${answer.vnp_ResponseCode}: ${answer.vnp_Message ?? ''})`,
      );
    }
    return { reference: String(answer.vnp_TransactionNo ?? params.vnp_RequestId) };
  }

  simulateCallback(
    payment: { code: string; amount: number },
    outcome: 'paid' | 'failed',
    at: Date,
  ): CallbackRequest {
    const params: Record<string, string> = {
      vnp_Amount: String(payment.amount * 100),
      vnp_BankCode: 'NCB',
      vnp_OrderInfo: `Thanh toan ${payment.code}`,
      vnp_PayDate: vietnamTimestamp(at),
      vnp_ResponseCode: outcome === 'paid' ? '00' : '24',
      vnp_TmnCode: this.settings.merchantCode,
      vnp_TransactionNo: String(at.getTime()).slice(-8),
      vnp_TransactionStatus: outcome === 'paid' ? '00' : '02',
      vnp_TxnRef: payment.code,
    };
    const rawQuery = `${vnpaySignData(params)}&vnp_SecureHash=${vnpaySign(this.secret, params)}`;
    return { method: 'GET', rawQuery, rawBody: Buffer.alloc(0), headers: {}, receivedAt: at };
  }
}

/** `vnp_PayDate` of a VNPay callback as a Date (Vietnam time). */
export const vnpayPayDate = (value: string | undefined) => parseVietnamTimestamp(value);
