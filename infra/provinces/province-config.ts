/**
 * A province's configuration, validated with zod. One file per province in this folder (listed in
 * ./index.ts); the CDK app synthesizes one isolated pair of stacks per province and the local
 * runtime seeds the demo province.
 *
 * The local runtime reads only code, name, levels, agencies and demo users. Everything the cloud
 * needs sits under `deployment`, which is optional here so a province can be tried locally before
 * it has an AWS account; the CDK app refuses to synthesize a province without it.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema, agencyLevelSchema } from '#shared/agencies/agency.ts';
import { WorkingCalendarConfig } from '#shared/calendar/calendar-config.ts';
import { ROLES } from '#shared/http/route.ts';
import { NationalPortalConfig } from '#shared/national-portal/config.ts';
import { gatewayOptionFields } from '#shared/payments/config.ts';

export const AgencySeed = z.strictObject({
  code: agencyCodeSchema,
  name: z.string().check(z.minLength(1)),
  shortName: z.optional(z.string()),
  level: agencyLevelSchema,
  parentCode: z.nullable(agencyCodeSchema),
});
export type AgencySeed = z.infer<typeof AgencySeed>;

export const DemoUser = z.strictObject({
  username: z.string().check(z.regex(/^[a-z0-9.-]{3,64}$/)),
  fullName: z.string(),
  roles: z.array(z.enum(ROLES)).check(z.minLength(1)),
  agencyCode: z.optional(agencyCodeSchema),
});
export type DemoUser = z.infer<typeof DemoUser>;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const days = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

/**
 * A payment gateway (PayGov or a bank/wallet gateway), configured by reference: the credentials
 * live in AWS Secrets Manager under `secretName` (created by ops, never in git); the stack only
 * grants the payment functions read access to that one secret.
 */
export const PaymentGateway = z.strictObject({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/, 'A gateway id is a lowercase slug')),
  /**
   * `paygov`, `vnpay`, or the protocol of a vendor adapter registered with `registerGatewayProtocol`
   * (docs/extending.md § 3; the sandbox gateway is local only).
   */
  protocol: z.string().check(
    z.regex(/^[a-z][a-z0-9-]{1,30}$/, 'A gateway protocol is a lowercase name'),
    z.refine((protocol) => protocol !== 'sandbox', 'The sandbox gateway is local only'),
  ),
  /** Secrets Manager secret *name* (not its value), under `vnpp/<province code>/payment/`. */
  secretName: z.string().check(z.regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'A Secrets Manager secret name')),
  /** The merchant / service code the gateway assigned to the province (not secret). */
  merchantCode: z.string().check(z.minLength(1)),
  /** URLs, national-platform codes and callback signing scheme (shared/payments/config.ts). */
  ...gatewayOptionFields,
});
export type PaymentGateway = z.infer<typeof PaymentGateway>;

const httpsOrigin = z
  .string()
  .check(
    z.regex(
      /^https:\/\/[a-z0-9.-]+(:\d+)?$/,
      'A CORS origin is https://host[:port], with no path or trailing slash',
    ),
  );

/** What the CDK app needs to put the province in its own AWS account. */
export const ProvinceDeployment = z.strictObject({
  /** AWS account of the province (one account per province keeps blast radius and billing apart). */
  account: z.string().check(z.regex(/^\d{12}$/, 'An AWS account id has 12 digits')),
  region: z.string().check(z.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'An AWS region such as ap-southeast-1')),
  domain: z.strictObject({
    /** Host name of the API, e.g. `api.dichvucong.dongnai.gov.vn`. */
    api: z.string().check(z.regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'A lowercase host name')),
    /**
     * ACM certificate for `api` in the stack's region. Without it the API is served on its
     * execute-api URL only, until ops have validated a certificate.
     */
    certificateArn: z.optional(
      z.string().check(z.regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/)),
    ),
  }),
  /** Browser origins of the agency front-ends and the public-service portal (API and file bucket CORS). */
  corsOrigins: z.array(httpsOrigin).check(z.minLength(1)),
  api: z._default(
    z.strictObject({
      /** Steady-state requests per second for the whole API, and the burst above it. */
      rateLimit: z.number().check(z.int(), z.positive()),
      burstLimit: z.number().check(z.int(), z.positive()),
      /** Alarm thresholds. */
      p99LatencyMs: z.number().check(z.positive()),
      serverErrorPercent: z.number().check(z.positive(), z.maximum(100)),
    }),
    { rateLimit: 200, burstLimit: 400, p99LatencyMs: 3000, serverErrorPercent: 1 },
  ),
  /**
   * Reserved concurrency per function id (functions/routes.ts). Reserving caps a function (so a
   * flood on public routes cannot starve the rest) and guarantees it capacity; it is taken from the
   * account's pool, so new accounts with a low concurrency quota must raise it first.
   */
  reservedConcurrency: z._default(z.record(z.string(), z.number().check(z.int(), z.minimum(1))), {}),
  paymentGateways: z._default(z.array(PaymentGateway), []),
  /**
   * Digital signatures in AWS (docs/signatures.md). `sealKeyArns`: the agencies' asymmetric KMS seal
   * keys (SIGN_VERIFY) created by ops; the signing functions get `kms:Sign` on exactly these, and an
   * admin binds each to its agency and certificate with `POST /v1/seal-keys`. `trustedRootsFile`: a
   * PEM bundle in this repository (the Government CA root), shipped beside the signing functions.
   */
  signing: z.optional(
    z.strictObject({
      sealKeyArns: z._default(
        z.array(
          z
            .string()
            .check(z.regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, 'A KMS key ARN')),
        ),
        [],
      ),
      trustedRootsFile: z
        .string()
        .check(z.regex(/^infra\/provinces\/[\w./-]+\.pem$/, 'A .pem file under infra/provinces/')),
    }),
  ),
  retention: z._default(
    z.strictObject({
      /** Lambda and API access logs. */
      logDays: z.number().check(
        z.refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
          message: `CloudWatch Logs retention must be one of ${LOG_RETENTION_DAYS.join(', ')} days`,
        }),
      ),
      /** Object Lock (compliance mode) on the audit archive: records cannot be deleted before this. */
      auditArchiveYears: z.number().check(z.int(), z.minimum(1), z.maximum(100)),
      /** EventBridge archive, for replaying events after a consumer bug. */
      eventArchiveDays: days(1, 3650),
      /** Old versions of overwritten or deleted files before they expire. */
      noncurrentFileVersionDays: days(1, 3650),
      /** S3 server access logs. */
      accessLogDays: days(1, 3650),
      /** Daily AWS Backup recovery points of the table (on top of 35 days of PITR). */
      backupDays: days(7, 3650),
    }),
    {
      logDays: 365,
      auditArchiveYears: 10,
      eventArchiveDays: 365,
      noncurrentFileVersionDays: 90,
      accessLogDays: 365,
      backupDays: 35,
    },
  ),
  /** Receives every alarm (SNS e-mail subscription; the address must confirm it once). */
  alarmEmail: z.email(),
});
export type ProvinceDeployment = z.infer<typeof ProvinceDeployment>;

export const ProvinceConfig = z
  .strictObject({
    /** Short slug used in stack and resource names, e.g. `vinh-phuc`. */
    code: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)),
    name: z.string(),
    /** Agency levels in use, top first. */
    levels: z.array(agencyLevelSchema).check(z.minLength(1)),
    agencies: z.array(AgencySeed).check(z.minLength(1)),
    /** Users the local runtime can mint tokens for (never deployed). */
    demoUsers: z.array(DemoUser),
    /**
     * Working calendar of the province's agencies (shared/calendar): office hours and the yearly
     * decisions (Tết days, swapped working days, local days off) that due dates are computed on.
     */
    calendar: z.optional(WorkingCalendarConfig),
    /** Sync with the National Public Service Portal (shared/national-portal): status table, endpoint. */
    nationalPortal: z.optional(NationalPortalConfig),
    deployment: z.optional(ProvinceDeployment),
  })
  .check(
    z.superRefine((config, ctx) => {
      const portalCredentials = config.nationalPortal?.http?.credentials;
      if (
        portalCredentials?.source === 'secret' &&
        !portalCredentials.secretName.startsWith(`vnpp/${config.code}/national-portal`)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['nationalPortal', 'http', 'credentials', 'secretName'],
          message: `The secret of the national portal is named vnpp/${config.code}/national-portal…`,
        });
      }
      const deployment = config.deployment;
      if (deployment) {
        const secretPrefix = `vnpp/${config.code}/payment/`;
        const ids = new Set<string>();
        for (const [i, gateway] of deployment.paymentGateways.entries()) {
          if (!gateway.secretName.startsWith(secretPrefix)) {
            // Province-scoped names keep one province's functions away from another's secrets.
            ctx.addIssue({
              code: 'custom',
              path: ['deployment', 'paymentGateways', i, 'secretName'],
              message: `Secret names of this province start with ${secretPrefix}`,
            });
          }
          if (ids.has(gateway.id)) {
            ctx.addIssue({
              code: 'custom',
              path: ['deployment', 'paymentGateways', i, 'id'],
              message: `Duplicate gateway ${gateway.id}`,
            });
          }
          ids.add(gateway.id);
        }
        if (deployment.api.burstLimit < deployment.api.rateLimit) {
          ctx.addIssue({
            code: 'custom',
            path: ['deployment', 'api', 'burstLimit'],
            message: 'The burst limit cannot be below the rate limit',
          });
        }
      }

      const codes = new Set<string>();
      for (const [i, agency] of config.agencies.entries()) {
        if (codes.has(agency.code))
          ctx.addIssue({
            code: 'custom',
            path: ['agencies', i, 'code'],
            message: `Duplicate agency ${agency.code}`,
          });
        if (agency.parentCode !== null && !codes.has(agency.parentCode)) {
          ctx.addIssue({
            code: 'custom',
            path: ['agencies', i, 'parentCode'],
            message: `Parent ${agency.parentCode} must be listed before ${agency.code}`,
          });
        }
        if (!config.levels.includes(agency.level)) {
          ctx.addIssue({
            code: 'custom',
            path: ['agencies', i, 'level'],
            message: `Unknown level ${agency.level}`,
          });
        }
        codes.add(agency.code);
      }
      for (const [i, user] of config.demoUsers.entries()) {
        if (user.agencyCode && !codes.has(user.agencyCode)) {
          ctx.addIssue({
            code: 'custom',
            path: ['demoUsers', i, 'agencyCode'],
            message: `Unknown agency ${user.agencyCode}`,
          });
        }
        const isCitizen = user.roles.includes('citizen');
        if (isCitizen === Boolean(user.agencyCode)) {
          ctx.addIssue({
            code: 'custom',
            path: ['demoUsers', i],
            message: 'Staff need an agencyCode; citizens have none',
          });
        }
      }
    }),
  );
export type ProvinceConfig = z.infer<typeof ProvinceConfig>;

/** Validates a province file, with every issue on its own line. */
export function defineProvince(config: z.input<typeof ProvinceConfig>): ProvinceConfig {
  const result = ProvinceConfig.safeParse(config);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`Province configuration "${config.code}" is not valid:\n${lines.join('\n')}`);
  }
  return result.data;
}
