/**
 * Registers the SenPay protocol with the platform's gateway registry. Import this module once,
 * before the first payment request, in every process that handles payments: in AWS, the payment
 * functions' entry points (functions/payments/api.ts, functions/payment-callbacks/api.ts and the
 * re-check / reconciliation jobs) — `import '../../examples/payment-gateway/register.ts';` — or a
 * vendor's own copy of them; locally and in tests, the test imports it (tests/e2e/extension-payment-gateway.test.ts).
 */
import { registerGatewayProtocol } from '#shared/payments/gateways/registry.ts';
import { SENPAY_PROTOCOL, SenpayGateway } from './senpay.ts';

export function registerSenpay(): void {
  registerGatewayProtocol(SENPAY_PROTOCOL, (settings, secret) => new SenpayGateway(settings, secret));
}

registerSenpay();
