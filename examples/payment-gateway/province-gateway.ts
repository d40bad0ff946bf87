/**
 * How a province file enables the SenPay gateway: one more entry in `deployment.paymentGateways`
 * (infra/provinces/<province>.ts). The secret (SenPay's merchant key) is created by ops in Secrets
 * Manager under `vnpp/<province code>/payment/`; the stack grants the payment functions read access
 * to that one secret and hands the entry to them in PAYMENT_GATEWAYS.
 */
import type { PaymentGateway } from '#infra/provinces/province-config.ts';

export const senpayGateway: PaymentGateway = {
  id: 'senpay',
  protocol: 'senpay',
  secretName: 'vnpp/vinh-phuc/payment/senpay',
  merchantCode: 'VP-DVC-01',
  displayName: 'Ví SenPay',
  apiUrl: 'https://api.senpay.example.vn/v1',
  returnUrl: 'https://dichvucong.vinhphuc.gov.vn/thanh-toan/ket-qua',
  timeoutMs: 10_000,
};

// In infra/provinces/vinh-phuc.ts:
//   deployment: { …, paymentGateways: [paygov, vnpay, senpayGateway] }
