/**
 * Payment gateways of a province, validated with zod. In the cloud the stack hands the province
 * file's `deployment.paymentGateways` to the payment functions as JSON in PAYMENT_GATEWAYS, and
 * each secret is read by name from Secrets Manager (through the Parameters and Secrets Lambda
 * extension); the local runtime sets local gateways with local test secrets (`localSecret`).
 */
import * as z from 'zod/mini';
import { ConfigurationError, optionalEnv, requireEnv } from '../platform/env.ts';

export const PAYMENT_GATEWAYS_ENV = 'PAYMENT_GATEWAYS';

/** https, or http to a loopback address (a test gateway or the local runtime). */
const gatewayUrl = z
  .string()
  .check(
    z.regex(
      /^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?)(\/[^\s?#]*)?$/,
      'A gateway URL is https://host[:port]/path (http only to a loopback address)',
    ),
  );

/**
 * How callbacks of a gateway with a configurable scheme are signed (the national payment platform's
 * scheme is not public): an HMAC over `<timestamp>.<raw body>`, sent in a header, with the
 * timestamp (Unix seconds) in another header and a tolerance for clock skew and replays.
 */
export const CallbackSignatureConfig = z.strictObject({
  header: z._default(z.string().check(z.regex(/^[a-z0-9-]+$/)), 'x-paygov-signature'),
  timestampHeader: z._default(z.string().check(z.regex(/^[a-z0-9-]+$/)), 'x-paygov-timestamp'),
  algorithm: z._default(z.enum(['sha256', 'sha512']), 'sha256'),
  encoding: z._default(z.enum(['hex', 'base64']), 'hex'),
  toleranceSeconds: z._default(z.number().check(z.int(), z.minimum(30), z.maximum(3600)), 300),
});
export type CallbackSignatureConfig = z.infer<typeof CallbackSignatureConfig>;

/** Settings of a gateway besides its identity and secret (also accepted in the province file). */
export const gatewayOptionFields = {
  /** Name shown to payers. */
  displayName: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  /** Where the payer is sent to pay (VNPay: …/paymentv2/vpcpay.html). */
  payUrl: z.optional(gatewayUrl),
  /** The gateway's server API (VNPay: …/merchant_webapi/api/transaction; PayGov: its base URL). */
  apiUrl: z.optional(gatewayUrl),
  /** Default page the payer's browser returns to (the public-service portal). */
  returnUrl: z.optional(z.url({ protocol: /^https?$/ })),
  /** National platform: public service code (MaDVC) and the beneficiary (account, bank, treasury). */
  serviceCode: z.optional(z.string().check(z.minLength(1), z.maxLength(50))),
  beneficiary: z.optional(
    z.strictObject({
      account: z.string().check(z.minLength(1)),
      bank: z.string().check(z.minLength(1)),
      treasury: z.optional(z.string().check(z.minLength(1))),
    }),
  ),
  signature: z.optional(CallbackSignatureConfig),
  timeoutMs: z._default(z.number().check(z.int(), z.minimum(500), z.maximum(30_000)), 10_000),
};

export const GATEWAY_PROTOCOLS = ['paygov', 'vnpay', 'sandbox'] as const;
export type GatewayProtocol = (typeof GATEWAY_PROTOCOLS)[number];

export const GatewaySettings = z
  .object({
    id: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)),
    protocol: z.string().check(z.minLength(1)),
    /** The merchant / service code the gateway assigned to the province (vnp_TmnCode, MaDonVi…). */
    merchantCode: z.string().check(z.minLength(1)),
    /** Secrets Manager secret name (cloud). */
    secretName: z.optional(z.string()),
    /** The secret itself: local runtime and tests only, never in a province file. */
    localSecret: z.optional(z.string().check(z.minLength(16))),
    ...gatewayOptionFields,
  })
  .check(
    z.refine((settings) => Boolean(settings.secretName) !== Boolean(settings.localSecret), {
      message: 'A gateway has either secretName (cloud) or localSecret (local runtime)',
    }),
  );
export type GatewaySettings = z.infer<typeof GatewaySettings>;

let cached: { raw: string; gateways: GatewaySettings[] } | undefined;

/** The province's gateways from PAYMENT_GATEWAYS; none when it is unset. Fails fast on a bad value. */
export function gatewaySettingsFromEnv(): GatewaySettings[] {
  const raw = optionalEnv(PAYMENT_GATEWAYS_ENV) ?? '[]';
  if (cached?.raw === raw) return cached.gateways;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigurationError(`${PAYMENT_GATEWAYS_ENV} is not JSON`);
  }
  const result = z.array(GatewaySettings).safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`${PAYMENT_GATEWAYS_ENV} is not valid:\n${lines.join('\n')}`);
  }
  cached = { raw, gateways: result.data };
  return result.data;
}

const EXTENSION_DEFAULT_PORT = '2773';
const secrets = new Map<string, { value: string; until: number }>();

/** A gateway's secret: local, or from Secrets Manager through the extension (cached five minutes). */
export async function secretOf(settings: GatewaySettings): Promise<string> {
  if (settings.localSecret) return settings.localSecret;
  const name = settings.secretName!;
  const hit = secrets.get(name);
  if (hit && hit.until > Date.now()) return hit.value;
  const port = optionalEnv('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT') ?? EXTENSION_DEFAULT_PORT;
  const response = await fetch(
    `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(name)}`,
    {
      headers: { 'X-Aws-Parameters-Secrets-Token': requireEnv('AWS_SESSION_TOKEN') },
      signal: AbortSignal.timeout(3000),
    },
  );
  if (!response.ok) throw new ConfigurationError(`The secret ${name} could not be read (${response.status})`);
  const { SecretString } = (await response.json()) as { SecretString?: unknown };
  if (typeof SecretString !== 'string' || !SecretString.trim()) {
    throw new ConfigurationError(`The secret ${name} has no string value`);
  }
  secrets.set(name, { value: SecretString.trim(), until: Date.now() + 300_000 });
  return SecretString.trim();
}
