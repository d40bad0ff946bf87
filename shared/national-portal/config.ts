/**
 * Configuration of the sync with the National Public Service Portal (Cổng Dịch vụ công quốc gia),
 * validated with zod. A province sets it in its province file (`nationalPortal`); the stack hands it
 * to the sync worker as JSON in NATIONAL_PORTAL_CONFIG. Which adapter runs is chosen apart, by
 * NATIONAL_PORTAL_MODE (`local`, the default: a stand-in that only records what would be sent;
 * `http`: the real portal, which then needs `http` here).
 *
 * The status table maps each local dossier status to the portal's `TrangThaiHoSo` code. The default
 * (DEFAULT_STATUS_CODES) follows the codes the portal publishes for one-stop systems; a province
 * overrides single entries (`statusCodes`) when its portal account is configured otherwise.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '../agencies/agency.ts';
import { DOSSIER_STATUSES, type DossierStatus } from '../dossiers/state-machine.ts';
import { ConfigurationError, optionalEnv } from '../platform/env.ts';

/** A national `TrangThaiHoSo` code: a small number, sent as text. */
export const NationalStatusCode = z
  .string()
  .check(z.regex(/^\d{1,3}$/, 'A national status code is a number such as "4"'));

/**
 * Default status table (local status → national TrangThaiHoSo). National codes: 1 mới đăng ký,
 * 2 được tiếp nhận, 3 không được tiếp nhận, 4 đang xử lý, 5 yêu cầu bổ sung giấy tờ, 6 yêu cầu
 * thực hiện nghĩa vụ tài chính, 7 công dân yêu cầu rút hồ sơ, 8 dừng xử lý, 9 đã xử lý xong,
 * 10 đã trả kết quả.
 */
export const DEFAULT_STATUS_CODES: Readonly<Record<DossierStatus, string>> = {
  submitted: '1', // nộp trực tuyến, chờ tiếp nhận → mới đăng ký
  received: '2', // đã tiếp nhận → được tiếp nhận
  processing: '4', // đang xử lý
  'awaiting-supplement': '5', // chờ bổ sung → yêu cầu bổ sung giấy tờ
  approved: '9', // đã phê duyệt, có kết quả → đã xử lý xong
  released: '9', // kết quả sẵn sàng trả → đã xử lý xong
  returned: '10', // đã trả kết quả
  denied: '8', // từ chối giải quyết → dừng xử lý
  cancelled: '7', // hủy / rút hồ sơ theo yêu cầu của người nộp → rút hồ sơ
};

/** Where the portal's credential comes from: a Secrets Manager secret (by name) or an environment variable. */
export const NationalPortalCredentials = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('secret'),
    /** Secrets Manager secret *name* (not its value); its SecretString is the portal session token. */
    secretName: z.string().check(z.regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'A Secrets Manager secret name')),
  }),
  z.strictObject({
    source: z.literal('env'),
    /** Name of the environment variable holding the token (e.g. for a test portal). */
    variable: z.string().check(z.regex(/^[A-Z][A-Z0-9_]{0,127}$/, 'An environment variable name')),
  }),
]);
export type NationalPortalCredentials = z.infer<typeof NationalPortalCredentials>;

/** https, or http to a loopback address (a test portal on the same machine). */
const portalUrl = z
  .string()
  .check(
    z.regex(
      /^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?)$/,
      'The portal base URL is https://host[:port] (http only to a loopback address), without a path',
    ),
  );

export const NationalPortalHttpConfig = z.strictObject({
  /** The integration endpoint's origin, e.g. the province LGSP adapter in front of the portal. */
  baseUrl: portalUrl,
  /** Path of the integration endpoint that takes every service (`service` names it in the body). */
  path: z._default(z.string().check(z.regex(/^\/[A-Za-z0-9._~/-]*$/, 'A URL path starting with "/"')), '/'),
  /** `madonvi`: the province's unit code at the portal. */
  unitCode: agencyCodeSchema,
  /** `dstcode` header some LGSP adapters route on. */
  dstCode: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  credentials: NationalPortalCredentials,
  /** Per request; a slower answer counts as the portal being unavailable (retried). */
  timeoutMs: z._default(z.number().check(z.int(), z.minimum(500), z.maximum(30_000)), 10_000),
});
export type NationalPortalHttpConfig = z.infer<typeof NationalPortalHttpConfig>;

export const NationalPortalConfig = z.strictObject({
  /** Overrides of DEFAULT_STATUS_CODES, by local status. */
  statusCodes: z._default(z.partialRecord(z.enum(DOSSIER_STATUSES), NationalStatusCode), {}),
  /** National MaTTHC of procedures whose local code differs (provincial codes such as `VP-…`). */
  procedureCodes: z._default(
    z.record(z.string().check(z.minLength(1)), z.string().check(z.minLength(1))),
    {},
  ),
  /** National MaLinhVuc by field name (lĩnh vực); unmapped fields are sent by name. */
  fieldCodes: z._default(z.record(z.string().check(z.minLength(1)), z.string().check(z.minLength(1))), {}),
  /**
   * Push dossiers submitted online before they are received (MaHoSo is then the dossier id, as no
   * number is issued yet). Off: nothing is pushed before receipt.
   */
  syncOnSubmit: z._default(z.boolean(), true),
  /** The real portal; required when NATIONAL_PORTAL_MODE is `http`. */
  http: z.optional(NationalPortalHttpConfig),
});
export type NationalPortalConfig = z.infer<typeof NationalPortalConfig>;

export const NATIONAL_PORTAL_MODES = ['local', 'http'] as const;
export type NationalPortalMode = (typeof NATIONAL_PORTAL_MODES)[number];

export const NATIONAL_PORTAL_ENV = {
  mode: 'NATIONAL_PORTAL_MODE',
  config: 'NATIONAL_PORTAL_CONFIG',
} as const;

/** The full status table: defaults with the province's overrides. */
export function statusTableOf(
  config: Pick<NationalPortalConfig, 'statusCodes'>,
): Record<DossierStatus, string> {
  return { ...DEFAULT_STATUS_CODES, ...config.statusCodes };
}

/** Parses a configuration, every issue on its own line. */
export function parseNationalPortalConfig(input: unknown): NationalPortalConfig {
  const result = NationalPortalConfig.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigurationError(`National portal configuration is not valid:\n${lines.join('\n')}`);
  }
  return result.data;
}

export interface NationalPortalSettings {
  readonly mode: NationalPortalMode;
  readonly config: NationalPortalConfig;
}

/** Reads mode and configuration from the environment, failing fast on a bad value. */
export function nationalPortalSettingsFromEnv(): NationalPortalSettings {
  const mode = optionalEnv(NATIONAL_PORTAL_ENV.mode) ?? 'local';
  if (!(NATIONAL_PORTAL_MODES as readonly string[]).includes(mode)) {
    throw new ConfigurationError(`${NATIONAL_PORTAL_ENV.mode} is "${mode}"; use local or http`);
  }
  const raw = optionalEnv(NATIONAL_PORTAL_ENV.config);
  let json: unknown = {};
  if (raw) {
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ConfigurationError(`${NATIONAL_PORTAL_ENV.config} is not JSON`);
    }
  }
  const config = parseNationalPortalConfig(json);
  if (mode === 'http' && !config.http) {
    throw new ConfigurationError(
      `${NATIONAL_PORTAL_ENV.mode}=http needs "http" in ${NATIONAL_PORTAL_ENV.config}`,
    );
  }
  return { mode: mode as NationalPortalMode, config };
}
