/**
 * Administrative procedures (thủ tục hành chính, TTHC): the catalog a dossier is received under.
 * A procedure is data, not code: its application form is a JSON Schema (`formSchema`) that
 * front-ends render and the API validates (./form.ts), and its workflow is an ordered list of steps,
 * each naming an agency (relative to the receiving agency, or fixed), a role and working days
 * (./workflow.ts). Every accepted change is a new immutable version; dossiers keep theirs.
 *
 * Rules: Decree 61/2018/NĐ-CP and 107/2021/NĐ-CP (one-stop shop), Decree 63/2010/NĐ-CP (publishing
 * procedures), Decree 42/2022/NĐ-CP (online levels), Law on Fees and Charges 2015.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema, agencyLevelSchema } from '../agencies/agency.ts';
import type { FieldIssue } from '../http/errors.ts';
import { ROLES, type Role } from '../http/route.ts';
import { formSchemaIssues } from './form.ts';
import {
  FEE_KINDS,
  ONLINE_LEVELS,
  PROCEDURE_CODE_MAX,
  PROCEDURE_CODE_PATTERN,
  PROCEDURE_STATUSES,
  RESULT_DELIVERY,
} from './vocabulary.ts';
import { workflowDays } from './workflow.ts';

/** Free text: trimmed, NFC-normalised (Vietnamese typed on some systems arrives decomposed). */
const text = (max: number) =>
  z.string().check(z.trim(), z.normalize('NFC'), z.minLength(1), z.maxLength(max));

const unique = <T>(values: readonly T[]) => new Set(values).size === values.length;
const uniqueList = <T extends z.ZodMiniType>(item: T, what: string, min = 0, max = 50) =>
  z.array(item).check(
    z.minLength(min),
    z.maxLength(max),
    z.refine((values) => unique(values), `List each ${what} once`),
  );

export const procedureCodeSchema = z
  .string()
  .check(
    z.maxLength(PROCEDURE_CODE_MAX),
    z.regex(
      PROCEDURE_CODE_PATTERN,
      'A procedure code is a national TTHC code such as 1.001193, or a provincial code such as VP-cap-phep-quang-cao',
    ),
  );

/** Lĩnh vực, e.g. "Hộ tịch", "Đất đai". Used in index keys, so it cannot contain "#". */
export const procedureFieldSchema = text(200).check(
  z.refine((field) => !field.includes('#'), 'A field name cannot contain "#"'),
);

export const onlineLevelSchema = z.enum(ONLINE_LEVELS);
export type OnlineLevel = z.infer<typeof onlineLevelSchema>;
export const procedureStatusSchema = z.enum(PROCEDURE_STATUSES);

/** Whose desk a step lands on, relative to the agency that received the dossier or fixed. */
export const StepAgency = z
  .discriminatedUnion('kind', [
    /** The agency that received the dossier. */
    z.strictObject({ kind: z.literal('receiving') }),
    /** The receiving agency's ancestor at this level (a commune's district, a district's province). */
    z.strictObject({ kind: z.literal('ancestor'), level: agencyLevelSchema }),
    /** A named agency, e.g. Sở Tư pháp 000.00.03.H62. */
    z.strictObject({ kind: z.literal('fixed'), agencyCode: agencyCodeSchema }),
  ])
  .register(z.globalRegistry, {
    id: 'StepAgency',
    description:
      '`receiving`: the agency that received the dossier; `ancestor`: its ancestor at `level`; `fixed`: `agencyCode`',
  });
export type StepAgency = z.infer<typeof StepAgency>;

/** Roles that can hold a workflow step: staff who process dossiers (not citizens, not auditors). */
const stepRoleSchema = z
  .enum(ROLES)
  .check(
    z.refine(
      (role: Role) => role !== 'citizen' && role !== 'auditor',
      'A step is held by agency staff (clerk, specialist, leader …), not a citizen or an auditor',
    ),
  );

/** Working days count in half days: an agency works in morning and afternoon sessions. */
const workingDaysSchema = (min: number) =>
  z
    .number()
    .check(
      z.minimum(min),
      z.maximum(365),
      z.multipleOf(0.5, 'Working days count in half days (a multiple of 0.5)'),
    );

export const WorkflowStep = z
  .strictObject({
    /** Unique in the workflow, e.g. `tiep-nhan`, `tham-dinh`, `phe-duyet`. */
    id: z
      .string()
      .check(z.regex(/^[a-z][a-z0-9-]{0,47}$/, 'A step id is a lowercase slug such as "tham-dinh"')),
    name: text(300),
    agency: StepAgency,
    role: stepRoleSchema,
    workingDays: workingDaysSchema(0),
    /** The applicant pays the procedure's fees before this step can finish. */
    requiresPayment: z.optional(z.boolean()),
    description: z.optional(text(1000)),
  })
  .register(z.globalRegistry, { id: 'WorkflowStep' });
export type WorkflowStep = z.infer<typeof WorkflowStep>;

export const FeeLine = z
  .strictObject({
    code: z
      .string()
      .check(
        z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'A fee code is 1-32 letters, digits, ".", "_" or "-"'),
      ),
    name: text(300),
    kind: z.enum(FEE_KINDS),
    /** Integer VND, for one `unit` when a unit is given (e.g. per page). */
    amount: z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000_000_000)),
    /** What the amount is charged per, e.g. "trang", "bản"; absent for a flat amount. */
    unit: z.optional(text(50)),
    note: z.optional(text(500)),
  })
  .register(z.globalRegistry, {
    id: 'FeeLine',
    description: 'A fee (phí) or charge (lệ phí) in integer VND',
  });
export type FeeLine = z.infer<typeof FeeLine>;

export const RequiredPaper = z
  .strictObject({
    name: text(500),
    /** Copies submitted; 0 for a paper only shown at the counter (xuất trình). */
    copies: z.number().check(z.int(), z.minimum(0), z.maximum(20)),
    /** An original (bản chính) rather than a copy (bản sao). */
    original: z.boolean(),
    note: z.optional(text(500)),
  })
  .register(z.globalRegistry, { id: 'RequiredPaper' });
export type RequiredPaper = z.infer<typeof RequiredPaper>;

/** A JSON Schema (draft 2020-12) object; its subset is checked by formSchemaIssues (./form.ts). */
export const formSchemaSchema = z.record(z.string(), z.unknown()).register(z.globalRegistry, {
  description:
    'JSON Schema (draft 2020-12) of the application form: an object at the top level, every object closed ' +
    'with `additionalProperties: false`, labels in `title`. Front-ends render it; the API validates submissions.',
});

const procedureFields = {
  code: procedureCodeSchema,
  name: text(500),
  field: procedureFieldSchema,
  /** Agency levels that may receive it, e.g. `['commune']`. */
  implementingLevels: uniqueList(agencyLevelSchema, 'level', 1, 10),
  /** Agencies that may receive it, when narrower than the levels (e.g. only Sở Tư pháp). */
  implementingAgencies: z.optional(uniqueList(agencyCodeSchema, 'agency', 1, 200)),
  onlineLevel: onlineLevelSchema,
  /** Legal processing time in working days: the sum of the workflow's steps. */
  processingDays: workingDaysSchema(0.5),
  fees: z.array(FeeLine).check(z.maxLength(30)),
  requiredPapers: z.array(RequiredPaper).check(z.maxLength(50)),
  formSchema: formSchemaSchema,
  workflow: z.array(WorkflowStep).check(z.minLength(1), z.maxLength(30)),
  resultDelivery: uniqueList(z.enum(RESULT_DELIVERY), 'delivery', 1, 3),
  /** Căn cứ pháp lý: the laws and decisions the procedure rests on. */
  legalBasis: z.optional(z.array(text(500)).check(z.maxLength(30))),
  description: z.optional(text(4000)),
};

export const Procedure = z
  .object({
    ...procedureFields,
    status: procedureStatusSchema,
    /** Version of this procedure; every accepted change adds one, and old versions stay readable. */
    version: z.number(),
    createdAt: z.string(),
    /** When this version was published. */
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, {
    id: 'Procedure',
    description: 'An administrative procedure (thủ tục hành chính) of the catalog, at one version',
  });
export type Procedure = z.infer<typeof Procedure>;

export const CreateProcedure = z
  .strictObject({ ...procedureFields, status: z.optional(procedureStatusSchema) })
  .register(z.globalRegistry, { id: 'CreateProcedure' });
export type CreateProcedure = z.infer<typeof CreateProcedure>;

/** Fields a change may set; `null` removes an optional field. The code never changes. */
export const UpdateProcedure = z
  .strictObject({
    name: z.optional(procedureFields.name),
    field: z.optional(procedureFields.field),
    implementingLevels: z.optional(procedureFields.implementingLevels),
    implementingAgencies: z.optional(z.nullable(uniqueList(agencyCodeSchema, 'agency', 1, 200))),
    onlineLevel: z.optional(procedureFields.onlineLevel),
    processingDays: z.optional(procedureFields.processingDays),
    fees: z.optional(procedureFields.fees),
    requiredPapers: z.optional(procedureFields.requiredPapers),
    formSchema: z.optional(procedureFields.formSchema),
    workflow: z.optional(procedureFields.workflow),
    resultDelivery: z.optional(procedureFields.resultDelivery),
    legalBasis: z.optional(z.nullable(z.array(text(500)).check(z.maxLength(30)))),
    description: z.optional(z.nullable(text(4000))),
    status: z.optional(procedureStatusSchema),
  })
  .check(z.refine((patch) => Object.keys(patch).length > 0, 'Send at least one field to change'))
  .register(z.globalRegistry, { id: 'UpdateProcedure' });
export type UpdateProcedure = z.infer<typeof UpdateProcedure>;

/** What the cross-field rules read: a procedure being created, or the result of a change. */
export type ProcedureDraft = Omit<CreateProcedure, 'status'>;

/**
 * Rules no single field can check, with paths relative to the procedure (`processingDays`,
 * `workflow.2.id`, `formSchema.properties.fullName.type` …):
 * - the processing time is the sum of the steps' working days;
 * - step ids and fee codes are unique;
 * - a step sent to an ancestor names a level above the receiving levels (a commune procedure's
 *   `ancestor: commune` could never resolve);
 * - a procedure with fees marks the step where they are paid, a free one marks none;
 * - the form schema is a valid schema of the supported subset (./form.ts).
 */
export function procedureIssues(draft: ProcedureDraft): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const sum = workflowDays(draft.workflow);
  if (sum !== draft.processingDays) {
    issues.push({
      path: 'processingDays',
      message: `The processing time (${draft.processingDays} working days) must equal the sum of the workflow steps' working days (${sum})`,
      code: 'processing_days_mismatch',
    });
  }
  const stepIds = new Set<string>();
  for (const [i, step] of draft.workflow.entries()) {
    if (stepIds.has(step.id)) {
      issues.push({
        path: `workflow.${i}.id`,
        message: `Step id "${step.id}" is used twice`,
        code: 'duplicate',
      });
    }
    stepIds.add(step.id);
    if (step.agency.kind === 'ancestor' && draft.implementingLevels.includes(step.agency.level)) {
      issues.push({
        path: `workflow.${i}.agency.level`,
        message: `A receiving agency has no ancestor at its own level "${step.agency.level}": name a level above it, or use "receiving"`,
        code: 'invalid_ancestor_level',
      });
    }
  }
  const feeCodes = new Set<string>();
  for (const [i, fee] of draft.fees.entries()) {
    if (feeCodes.has(fee.code)) {
      issues.push({
        path: `fees.${i}.code`,
        message: `Fee code "${fee.code}" is used twice`,
        code: 'duplicate',
      });
    }
    feeCodes.add(fee.code);
  }
  const charged = draft.fees.some((fee) => fee.amount > 0);
  const paymentSteps = draft.workflow.filter((step) => step.requiresPayment).length;
  if (charged && paymentSteps === 0) {
    issues.push({
      path: 'workflow',
      message: 'The procedure has fees: mark the step where they are paid with "requiresPayment": true',
      code: 'payment_step_missing',
    });
  }
  if (!charged && paymentSteps > 0) {
    issues.push({
      path: 'workflow',
      message: 'The procedure is free: no step can require payment',
      code: 'payment_step_without_fees',
    });
  }
  for (const issue of formSchemaIssues(draft.formSchema)) {
    issues.push({ ...issue, path: issue.path ? `formSchema.${issue.path}` : 'formSchema' });
  }
  return issues;
}
