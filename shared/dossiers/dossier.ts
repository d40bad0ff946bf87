/**
 * Dossiers (hồ sơ thủ tục hành chính) of the one-stop shop: schemas and pure rules.
 * Field names follow the lifecycle of Vietnamese one-stop systems (dossierNo = `code`,
 * receiveDate = `receivedAt`, appointment date = `dueAt`).
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { vietnamDayOf } from '#shared/calendar/civil-date.ts';
import { DOSSIER_ACTIONS, DOSSIER_STATUSES } from './state-machine.ts';

/**
 * Citizen ID (căn cước công dân, 12 digits): 3 digits of the province of birth (001–096),
 * 1 of century and sex, 2 of the birth year, 6 random.
 */
export const CITIZEN_ID_PATTERN = /^(0(0[1-9]|[1-8]\d|9[0-6]))\d{9}$/;
/** Business tax code (mã số thuế): 10 digits, or 13 with a 3-digit branch suffix. */
export const TAX_CODE_PATTERN = /^\d{10}(-\d{3})?$/;

export const Identity = z.discriminatedUnion('idType', [
  z.strictObject({
    idType: z.literal('citizen-id'),
    idNumber: z
      .string()
      .check(
        z.regex(CITIZEN_ID_PATTERN, 'A citizen ID has 12 digits and starts with a province code 001-096'),
      ),
  }),
  z.strictObject({
    idType: z.literal('tax-code'),
    idNumber: z.string().check(z.regex(TAX_CODE_PATTERN, 'A tax code has 10 digits, or 10 + "-" + 3')),
  }),
]);
export type Identity = z.infer<typeof Identity>;

const name = z.string().check(z.trim(), z.minLength(2), z.maxLength(200));
const phone = z.string().check(z.regex(/^(\+84|0)\d{9,10}$/, 'A Vietnamese phone number'));

export const Applicant = z.strictObject({
  /** LoaiDoiTuong of the national portal: 1 citizen, 2 business. */
  kind: z.enum(['citizen', 'business']),
  fullName: name,
  identity: Identity,
  phone: z.optional(phone),
  email: z.optional(z.email()),
  address: z.optional(z.string().check(z.trim(), z.minLength(5), z.maxLength(300))),
});
export type Applicant = z.infer<typeof Applicant>;

export const Delegate = z.strictObject({
  fullName: name,
  identity: Identity,
  phone: z.optional(phone),
  /** The authorisation (giấy ủy quyền) the delegate presented. */
  authorization: z.string().check(z.trim(), z.minLength(3), z.maxLength(300)),
});

export const Delivery = z
  .strictObject({
    method: z.enum(['counter', 'online', 'postal']),
    address: z.optional(z.string().check(z.trim(), z.minLength(5), z.maxLength(300))),
  })
  .check(
    z.refine((delivery) => delivery.method !== 'postal' || Boolean(delivery.address), {
      message: 'A postal delivery needs an address',
      path: ['address'],
    }),
  );

/** A confirmed upload (POST /v1/files, purpose `dossier-attachment`) and the paper it stands for. */
export const Attachment = z.strictObject({
  fileId: z.uuid(),
  /** Which required paper it is (thành phần hồ sơ). */
  paper: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
});

/** An attachment as kept on the dossier, with what the file check established. */
export const StoredAttachment = z.object({
  fileId: z.string(),
  paper: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
});

export const SubmitDossier = z
  .strictObject({
    procedureCode: z.string().check(z.minLength(1), z.maxLength(64)),
    /** The agency the dossier is submitted to (where it is received). */
    agencyCode: agencyCodeSchema,
    applicant: Applicant,
    delegate: z.optional(Delegate),
    /** The application form, validated against the procedure's formSchema. */
    form: z.record(z.string(), z.unknown()),
    attachments: z.optional(z.array(Attachment).check(z.maxLength(50))),
    delivery: Delivery,
  })
  .register(z.globalRegistry, { id: 'SubmitDossier' });
export type SubmitDossier = z.infer<typeof SubmitDossier>;

export const Transition = z
  .strictObject({
    action: z.enum(DOSSIER_ACTIONS),
    note: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
    /** `assign`: the specialist's username. */
    assignee: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    /** `extend`: working days to add (half days allowed). */
    days: z.optional(z.number().check(z.minimum(0.5), z.maximum(60), z.multipleOf(0.5))),
  })
  .register(z.globalRegistry, {
    id: 'DossierTransition',
    description: 'An action on the dossier; illegal actions answer 409 with the allowed ones.',
  });
export type Transition = z.infer<typeof Transition>;

/** Deadline flags of open dossiers (./deadline-job.ts): due within a working day (sắp đến hạn), overdue (quá hạn). */
export const DEADLINE_STATES = ['due-soon', 'overdue'] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

const ResolvedStep = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  agencyCode: agencyCodeSchema,
  workingDays: z.number(),
  requiresPayment: z.optional(z.boolean()),
});

const Pause = z.object({ from: z.string(), to: z.optional(z.string()), note: z.string() });
const Extension = z.object({
  at: z.string(),
  days: z.number(),
  note: z.string(),
  previousDueAt: z.string(),
  late: z.boolean(),
  apologyLetterId: z.optional(z.string()),
});

export const Dossier = z
  .object({
    id: z.string(),
    /** Dossier number (số hồ sơ), issued at receipt. */
    code: z.nullable(z.string()),
    procedure: z.object({
      code: z.string(),
      version: z.number(),
      name: z.string(),
      field: z.string(),
      onlineLevel: z.string(),
    }),
    receivingAgency: agencyCodeSchema,
    currentAgency: agencyCodeSchema,
    steps: z.array(ResolvedStep),
    stepIndex: z.number(),
    currentStep: ResolvedStep,
    status: z.enum(DOSSIER_STATUSES),
    resumeStatus: z.optional(z.enum(DOSSIER_STATUSES)),
    channel: z.enum(['online', 'counter']),
    interAgency: z.boolean(),
    applicant: Applicant,
    delegate: z.optional(Delegate),
    form: z.record(z.string(), z.unknown()),
    attachments: z.array(StoredAttachment),
    delivery: Delivery,
    ownerSub: z.nullable(z.string()),
    fees: z.object({ fee: z.number(), charge: z.number(), total: z.number() }),
    submittedAt: z.string(),
    receivedAt: z.optional(z.string()),
    /** Appointment date (ngày hẹn trả); absent before receipt. */
    dueAt: z.optional(z.string()),
    processingDays: z.number(),
    pauses: z.array(Pause),
    extensions: z.array(Extension),
    assignee: z.optional(z.object({ username: z.string() })),
    finishedAt: z.optional(z.string()),
    /** At return: returned before / on / after the appointment date. */
    outcome: z.optional(z.enum(['early', 'on-time', 'late'])),
    /** Set by the deadline job for the current appointment date; cleared when the date changes. */
    deadline: z.optional(z.enum(DEADLINE_STATES)),
    rating: z.optional(z.object({ score: z.number(), comment: z.optional(z.string()), at: z.string() })),
    /** The fee payment (shared/payments), recorded when the gateway confirms it. */
    payment: z.optional(
      z.object({
        paymentId: z.string(),
        code: z.string(),
        amount: z.number(),
        status: z.string(),
        paidAt: z.optional(z.string()),
        refundedAt: z.optional(z.string()),
      }),
    ),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'Dossier' });
export type Dossier = z.infer<typeof Dossier>;

export const HistoryEntry = z
  .object({
    at: z.string(),
    action: z.string(),
    by: z.object({ username: z.string(), roles: z.array(z.string()) }),
    fromStatus: z.nullable(z.string()),
    toStatus: z.string(),
    agencyCode: z.string(),
    stepIndex: z.number(),
    note: z.optional(z.string()),
    requestId: z.string(),
  })
  .register(z.globalRegistry, { id: 'DossierHistoryEntry' });
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** Actions that finish the current step: blocked at a step that requires payment until the fees are paid. */
export const STEP_FINISHING_ACTIONS = ['forward', 'approve'] as const;

/** The current step requires payment and the dossier's fees are not paid (or were refunded). */
export function paymentOutstanding(dossier: Pick<Dossier, 'currentStep' | 'fees' | 'payment'>): boolean {
  return (
    Boolean(dossier.currentStep.requiresPayment) &&
    dossier.fees.total > 0 &&
    dossier.payment?.status !== 'paid'
  );
}

const vietnamDay = (iso: string): string => vietnamDayOf(new Date(iso));

/**
 * The outcome of a returned dossier against its appointment date: early when returned on an
 * earlier day (Vietnam time), on time up to the due instant, late after it.
 */
export function outcomeOf(dueAt: string, returnedAt: string): 'early' | 'on-time' | 'late' {
  if (vietnamDay(returnedAt) < vietnamDay(dueAt)) return 'early';
  return new Date(returnedAt).getTime() <= new Date(dueAt).getTime() ? 'on-time' : 'late';
}
