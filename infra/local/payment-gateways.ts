/**
 * Payment gateways of the local runtime: the sandbox gateway, and a VNPay-protocol and a national
 * platform gateway whose payment pages are the sandbox page (no real gateway is called locally).
 * The secrets below are local test values, public on purpose; deployed stacks read theirs from
 * Secrets Manager (province file `deployment.paymentGateways`).
 */
import type { GatewaySettings } from '#shared/payments/config.ts';

export const LOCAL_PAYMENT_SECRETS = {
  sandbox: 'local-sandbox-secret-not-for-production',
  vnpay: 'LOCALVNPAYHASHSECRETNOTFORPRODUCTION',
  paygov: 'local-paygov-secret-not-for-production',
} as const;

export const LOCAL_VNPAY_MERCHANT = 'VNPPLOC1';

export function localPaymentGateways(baseUrl: string): GatewaySettings[] {
  const payUrl = `${baseUrl}/v1/payments/sandbox`;
  return [
    {
      id: 'sandbox',
      protocol: 'sandbox',
      merchantCode: 'LOCAL',
      displayName: 'Cổng thanh toán thử nghiệm',
      localSecret: LOCAL_PAYMENT_SECRETS.sandbox,
      payUrl,
      timeoutMs: 10_000,
    },
    {
      id: 'vnpay',
      protocol: 'vnpay',
      merchantCode: LOCAL_VNPAY_MERCHANT,
      displayName: 'VNPAY (thử nghiệm)',
      localSecret: LOCAL_PAYMENT_SECRETS.vnpay,
      payUrl,
      timeoutMs: 10_000,
    },
    {
      id: 'paygov',
      protocol: 'paygov',
      merchantCode: 'VP-DVC',
      serviceCode: 'DVC-VP',
      displayName: 'Nền tảng thanh toán quốc gia (thử nghiệm)',
      localSecret: LOCAL_PAYMENT_SECRETS.paygov,
      payUrl,
      timeoutMs: 10_000,
    },
  ];
}
