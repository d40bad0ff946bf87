/** HTTP operations of the one-stop shop's dossiers (handlers: ./api.ts, rules: shared/dossiers). */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { Dossier, HistoryEntry, SubmitDossier, Transition } from '#shared/dossiers/dossier.ts';
import { DOSSIER_STATUSES } from '#shared/dossiers/state-machine.ts';
import { pageOf, pageQueryFields } from '#shared/http/pagination.ts';
import { defineRoutes } from '#shared/http/route.ts';

const idParam = z.strictObject({ id: z.uuid() });

/** Who reads a dossier: its owner, the agencies of its workflow (leaders also from above), auditors. */
const dossierReaders = {
  roles: {
    citizen: 'owner',
    clerk: 'agency',
    specialist: 'agency',
    leader: 'agency-tree',
    auditor: 'province',
  },
  deny: 'not-found',
} as const;

const DossierWithHistory = z
  .object({
    dossier: Dossier,
    history: z.array(HistoryEntry),
    letters: z.array(z.record(z.string(), z.unknown())),
    /** Actions the caller may take now. */
    allowedActions: z.array(z.string()),
  })
  .register(z.globalRegistry, { id: 'DossierDetail' });

const PublicStatus = z
  .object({
    code: z.string(),
    procedureName: z.string(),
    status: z.enum(DOSSIER_STATUSES),
    receivedAt: z.nullable(z.string()),
    dueAt: z.nullable(z.string()),
    currentAgencyName: z.string(),
    finishedAt: z.nullable(z.string()),
  })
  .register(z.globalRegistry, { id: 'PublicDossierStatus' });

export const dossierRoutes = defineRoutes({
  submitDossier: {
    method: 'POST',
    path: '/v1/dossiers',
    summary: 'Submit a dossier: online (citizen) or at the counter (clerk, for an applicant)',
    description:
      'The form is validated against the procedure’s formSchema; the workflow steps are placed in agencies from the receiving one.',
    tags: ['Dossiers'],
    access: { roles: { citizen: 'owner', clerk: 'agency' } },
    request: { body: SubmitDossier },
    responses: { 201: { description: 'Submitted, waiting for receipt', schema: Dossier } },
    idempotent: true,
  },
  getDossier: {
    method: 'GET',
    path: '/v1/dossiers/{id}',
    summary: 'A dossier with its history and the actions the caller may take',
    tags: ['Dossiers'],
    access: dossierReaders,
    request: { params: idParam },
    responses: { 200: { description: 'The dossier (ETag = version)', schema: DossierWithHistory } },
  },
  transitionDossier: {
    method: 'POST',
    path: '/v1/dossiers/{id}/transitions',
    summary:
      'Act on a dossier: receive, assign, forward, request-supplement, supplement, extend, approve, release, return, deny, cancel, withdraw',
    description:
      'Staff act for the agency that holds the step (receiving agency for receive, release, return, cancel). ' +
      'An action not possible now answers 409 with `allowedActions`. Honours If-Match.',
    tags: ['Dossiers'],
    access: {
      roles: { citizen: 'owner', clerk: 'agency', specialist: 'agency', leader: 'agency' },
      deny: 'not-found',
    },
    request: { params: idParam, body: Transition },
    responses: { 200: { description: 'The dossier after the action', schema: Dossier } },
    ifMatch: true,
  },
  downloadDossierAttachment: {
    method: 'GET',
    path: '/v1/dossiers/{id}/attachments/{fileId}',
    summary: 'Download an attachment of a dossier (302 to a short-lived link, or JSON with ?redirect=false)',
    description:
      'Every agency of the dossier’s workflow reads its attachments, also outside the uploader’s agency tree.',
    tags: ['Dossiers'],
    access: dossierReaders,
    request: {
      params: z.strictObject({ id: z.uuid(), fileId: z.uuid() }),
      query: z.strictObject({ redirect: z.optional(z.enum(['true', 'false'])) }),
    },
    responses: {
      200: { description: 'The link', schema: z.object({ url: z.string(), expiresAt: z.string() }) },
      302: { description: 'Redirect to the link' },
    },
  },
  listAgencyDossiers: {
    method: 'GET',
    path: '/v1/agencies/{code}/dossiers',
    summary: "An agency's work queue: by status, due soon or overdue, by assignee or step",
    tags: ['Dossiers'],
    access: { roles: { clerk: 'agency', specialist: 'agency', leader: 'agency-tree', auditor: 'province' } },
    request: {
      params: z.strictObject({ code: agencyCodeSchema }),
      query: z.strictObject({
        status: z.enum(DOSSIER_STATUSES),
        due: z.optional(z.enum(['overdue', 'soon'])),
        /** A username, or `me`. */
        assignee: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
        step: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
        ...pageQueryFields,
      }),
    },
    responses: { 200: { description: 'A page of dossiers, by due date', schema: pageOf(Dossier) } },
  },
  listMyDossiers: {
    method: 'GET',
    path: '/v1/me/dossiers',
    summary: "The citizen's own online dossiers, newest first",
    tags: ['Dossiers'],
    access: { roles: { citizen: 'owner' } },
    request: { query: z.strictObject({ ...pageQueryFields }) },
    responses: { 200: { description: 'A page of dossiers', schema: pageOf(Dossier) } },
  },
  rateDossier: {
    method: 'POST',
    path: '/v1/dossiers/{id}/rating',
    summary: 'Rate the service after the result was returned (once)',
    tags: ['Dossiers'],
    access: { roles: { citizen: 'owner' }, deny: 'not-found' },
    request: {
      params: idParam,
      body: z.strictObject({
        score: z.number().check(z.int(), z.minimum(1), z.maximum(5)),
        comment: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
      }),
    },
    responses: { 201: { description: 'Rated', schema: Dossier } },
    idempotent: true,
  },
  lookupDossierStatus: {
    method: 'GET',
    path: '/v1/public/dossiers/{code}',
    summary: 'Public status lookup by dossier number and the applicant’s ID number',
    description: 'Answers 404 unless both match; rate-limited per client and per dossier (429).',
    tags: ['Dossiers'],
    access: { public: 'Applicants follow their dossier without an account, proving it with their ID number' },
    request: {
      params: z.strictObject({ code: z.string().check(z.regex(/^[0-9A-Z.]{9,20}-\d{6}-\d{4,6}$/)) }),
      query: z.strictObject({ idNumber: z.string().check(z.regex(/^[0-9-]{10,14}$/)) }),
    },
    responses: { 200: { description: 'Status without personal data', schema: PublicStatus } },
  },
});
