/**
 * Agencies (cơ quan, đơn vị): the tenancy tree inside a province stack.
 * Levels are data, not an enum: the tree can hold the three-level model of the seed plans
 * (province → department / district → commune) or the two-tier model in force since 1 July 2025.
 */
import * as z from 'zod/mini';

/**
 * Electronic identifier code (mã định danh điện tử, Decision 20/2020/QĐ-TTg): four dot-separated
 * groups, the last a letter and two digits naming the top-level unit (G = central, H = provinces),
 * e.g. `000.00.00.H62`, `000.21.01.H62`, `999.010.01.H22`.
 */
export const AGENCY_CODE_PATTERN = /^\d{3}\.\d{2,3}\.\d{2}\.[A-Z]\d{2}$/;

export const agencyCodeSchema = z
  .string()
  .check(z.regex(AGENCY_CODE_PATTERN, 'An agency code looks like 000.00.00.H62 (Decision 20/2020/QĐ-TTg)'));

/** Level slugs such as `province`, `department`, `district`, `commune`; configured per province. */
export const agencyLevelSchema = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{1,31}$/, 'A level is a lowercase slug such as "district"'));

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const agencyContactFields = {
  address: z.optional(text(300)),
  email: z.optional(z.email()),
  phone: z.optional(z.string().check(z.regex(/^\+?[0-9 .()-]{6,20}$/, 'A phone number'))),
  website: z.optional(z.url()),
};

export const Agency = z
  .object({
    code: agencyCodeSchema,
    name: text(300),
    shortName: z.optional(text(100)),
    level: agencyLevelSchema,
    parentCode: z.nullable(agencyCodeSchema),
    /** Codes from the root down to the parent; empty for a root. */
    ancestors: z.array(agencyCodeSchema),
    ...agencyContactFields,
    childCount: z.number(),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'Agency', description: 'An agency in the province tree' });
export type Agency = z.infer<typeof Agency>;

export const CreateAgency = z
  .strictObject({
    code: agencyCodeSchema,
    name: text(300),
    shortName: z.optional(text(100)),
    level: agencyLevelSchema,
    parentCode: z.optional(z.nullable(agencyCodeSchema)),
    ...agencyContactFields,
  })
  .register(z.globalRegistry, { id: 'CreateAgency' });
export type CreateAgency = z.infer<typeof CreateAgency>;

/** Fields an update may change; `null` removes an optional field. Code, level and parent do not change here. */
export const UpdateAgency = z
  .strictObject({
    name: z.optional(text(300)),
    shortName: z.optional(z.nullable(text(100))),
    address: z.optional(z.nullable(text(300))),
    email: z.optional(z.nullable(z.email())),
    phone: z.optional(z.nullable(z.string().check(z.regex(/^\+?[0-9 .()-]{6,20}$/, 'A phone number')))),
    website: z.optional(z.nullable(z.url())),
  })
  .check(z.refine((patch) => Object.keys(patch).length > 0, 'Send at least one field to change'))
  .register(z.globalRegistry, { id: 'UpdateAgency' });
export type UpdateAgency = z.infer<typeof UpdateAgency>;

/** Ancestors of a new child: the parent's ancestors, then the parent. */
export const ancestorsUnder = (parent: Pick<Agency, 'code' | 'ancestors'> | undefined): string[] =>
  parent ? [...parent.ancestors, parent.code] : [];
