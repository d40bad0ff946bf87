/**
 * Payment test helpers: a procedure with fees, a dossier waiting for payment, and callbacks signed
 * the way each gateway signs them, written here from the protocols' descriptions (not with the
 * adapters' own code), so a test fails when an adapter signs or verifies differently.
 */
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import { LOCAL_PAYMENT_SECRETS, LOCAL_VNPAY_MERCHANT } from '#infra/local/payment-gateways.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { call, PROVINCE_ADMIN, unique } from './http.ts';
import { receiveStep, testProcedure } from './procedures.ts';

export const FEES = [
  { code: 'LP-HT', name: 'Lệ phí đăng ký hộ tịch', kind: 'charge', amount: 50_000 },
  { code: 'P-BS', name: 'Phí cấp bản sao trích lục', kind: 'fee', amount: 8_000 },
];
export const TOTAL = 58_000;

export type Payment = {
  id: string;
  code: string;
  status: string;
  amount: number;
  version: number;
  redirectUrl: string;
  gateway: string;
  dossierId: string;
  paidAt?: string;
  settledBy?: string;
  gatewayTransactionId?: string;
  receipt?: { number: string; sealed: boolean };
};

/** A commune procedure whose receiving step requires payment of 58,000 VND. */
export async function createFeeProcedure(): Promise<string> {
  const code = `VP-test-phi-${unique()}`;
  const created = await call('POST', '/v1/procedures', {
    as: PROVINCE_ADMIN,
    body: testProcedure({
      code,
      name: 'Thủ tục có phí thử nghiệm',
      fees: FEES,
      workflow: [
        { ...receiveStep, requiresPayment: true },
        { id: 'xu-ly', name: 'Xử lý và ký', agency: { kind: 'receiving' }, role: 'leader', workingDays: 2 },
      ],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return code;
}

/** How a helper reaches the API: the shared platform's `call` by default, or a platform of the test's own. */
type Caller = <T = unknown>(
  method: string,
  path: string,
  options: { as?: string; body?: unknown },
) => Promise<{ status: number; body: T }>;

/** A dossier submitted online by citizen.binh to Liên Bảo and received by its clerk. */
export async function receivedDossier(
  procedureCode: string,
  via: Caller = call,
): Promise<{ id: string; version: number }> {
  const submitted = await via<{ id: string }>('POST', '/v1/dossiers', {
    as: 'citizen.binh',
    body: {
      procedureCode,
      agencyCode: demoAgencies.lienBao,
      applicant: {
        kind: 'citizen',
        fullName: 'Trần Thị Bình',
        identity: { idType: 'citizen-id', idNumber: '001201009876' },
      },
      form: { reason: 'Xin cấp bản sao trích lục' },
      delivery: { method: 'online' },
    },
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const received = await via<{ id: string; version: number }>(
    'POST',
    `/v1/dossiers/${submitted.body.id}/transitions`,
    { as: 'clerk.lienbao', body: { action: 'receive' } },
  );
  expect(received.status, JSON.stringify(received.body)).toBe(200);
  return received.body;
}

export async function requestPayment(
  dossierId: string,
  gateway: string,
  expected = 201,
  via: Caller = call,
): Promise<Payment> {
  const response = await via<Payment>('POST', '/v1/payments', {
    as: 'citizen.binh',
    body: { dossierId, gateway },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(expected);
  return response.body;
}

export const getPayment = async (id: string): Promise<Payment> =>
  (await call<Payment>('GET', `/v1/payments/${id}`, { as: 'clerk.lienbao' })).body;

// --- VNPay: HMAC-SHA512 over the sorted, URL-encoded parameters (VNPay's sortObject + stringify) ----
const vnpEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

export function vnpayQuery(
  params: Record<string, string>,
  secret: string = LOCAL_PAYMENT_SECRETS.vnpay,
): string {
  const signData = Object.keys(params)
    .sort()
    .map((key) => `${key}=${vnpEncode(params[key]!)}`)
    .join('&');
  const hash = createHmac('sha512', secret).update(Buffer.from(signData, 'utf-8')).digest('hex');
  return `${signData}&vnp_SecureHash=${hash}`;
}

/** The IPN VNPay sends after a payment (`responseCode` 00 = success). */
export function vnpayIpn(
  payment: Pick<Payment, 'code' | 'amount'>,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    vnp_Amount: String(payment.amount * 100),
    vnp_BankCode: 'NCB',
    vnp_BankTranNo: 'VNP14422574',
    vnp_CardType: 'ATM',
    vnp_OrderInfo: `Thanh toán phí hồ sơ ${payment.code} (lệ phí & phí)`,
    vnp_PayDate: '20261122103000',
    vnp_ResponseCode: '00',
    vnp_TmnCode: LOCAL_VNPAY_MERCHANT,
    vnp_TransactionNo: '14422574',
    vnp_TransactionStatus: '00',
    vnp_TxnRef: payment.code,
    ...overrides,
  };
}

export const sendVnpayIpn = (query: string) =>
  call<{ RspCode: string; Message: string }>('GET', `/v1/payments/callbacks/vnpay?${query}`);

// --- National platform (assumed scheme): HMAC-SHA256 over "<timestamp>.<raw body>", hex ----------
export function paygovHeaders(
  rawBody: string,
  timestamp = Math.floor(Date.now() / 1000),
  secret: string = LOCAL_PAYMENT_SECRETS.paygov,
): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  return {
    'content-type': 'application/json',
    'x-paygov-timestamp': String(timestamp),
    'x-paygov-signature': signature,
  };
}

export function paygovBody(
  payment: Pick<Payment, 'code' | 'amount'>,
  overrides: Record<string, unknown> = {},
) {
  return JSON.stringify({
    MaTraCuuTT: payment.code,
    MaGiaoDich: `PG-${payment.code}`,
    SoTien: payment.amount,
    MaTienTe: 'VND',
    TrangThai: '00',
    MaDonVi: 'VP-DVC',
    ThoiGianGD: '20261122103000',
    ...overrides,
  });
}

export const sendPaygov = (rawBody: string, headers: Record<string, string>) =>
  call<{ MaLoi: string; MoTa: string }>('POST', '/v1/payments/callbacks/paygov', { rawBody, headers });
