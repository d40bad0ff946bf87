/**
 * The gateway registry: THE extension point for payment vendors. A vendor adds a gateway by
 * (1) implementing `PaymentGatewayAdapter` (./gateway.ts) in a file of this folder, (2) registering
 * a factory for its protocol name below (or with `registerGatewayProtocol` at start-up), and
 * (3) listing a gateway with that protocol in the province file (`deployment.paymentGateways`),
 * its secret in Secrets Manager. Routes, callbacks (/v1/payments/callbacks/{gateway}), the re-check
 * job and reconciliation then work with it unchanged.
 */
import { ConfigurationError } from '../../platform/env.ts';
import { type GatewaySettings, gatewaySettingsFromEnv, secretOf } from '../config.ts';
import { sandboxLedger } from '../sandbox-ledger.ts';
import type { GatewayFactory, PaymentGatewayAdapter } from './gateway.ts';
import { PaygovGateway } from './paygov.ts';
import { SandboxGateway } from './sandbox.ts';
import { VnpayGateway } from './vnpay.ts';

const factories = new Map<string, GatewayFactory>([
  ['paygov', (settings, secret) => new PaygovGateway(settings, secret)],
  ['vnpay', (settings, secret) => new VnpayGateway(settings, secret)],
  ['sandbox', (settings, secret) => new SandboxGateway(settings, secret, sandboxLedger)],
]);

/** Registers (or replaces) the factory of a protocol. */
export function registerGatewayProtocol(protocol: string, factory: GatewayFactory): void {
  factories.set(protocol, factory);
}

export const registeredProtocols = (): string[] => [...factories.keys()];

/** The configured gateways (id, protocol, name), without secrets. */
export function configuredGateways(): Pick<GatewaySettings, 'id' | 'protocol' | 'displayName'>[] {
  return gatewaySettingsFromEnv().map(({ id, protocol, displayName }) => ({
    id,
    protocol,
    ...(displayName ? { displayName } : {}),
  }));
}

/** The adapter of a configured gateway; undefined for an id the province does not use. */
export async function gatewayById(id: string): Promise<PaymentGatewayAdapter | undefined> {
  const settings = gatewaySettingsFromEnv().find((gateway) => gateway.id === id);
  if (!settings) return undefined;
  const factory = factories.get(settings.protocol);
  if (!factory) throw new ConfigurationError(`No adapter is registered for protocol "${settings.protocol}"`);
  return factory(settings, await secretOf(settings));
}
