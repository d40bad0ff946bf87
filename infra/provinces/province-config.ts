/**
 * A province's configuration, validated with zod. One file per province in this folder; the CDK
 * app synthesizes one isolated stack per province and the local runtime seeds the demo province.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema, agencyLevelSchema } from '#shared/agencies/agency.ts';
import { ROLES } from '#shared/http/route.ts';

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
  })
  .check(
    z.superRefine((config, ctx) => {
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
