/** HTTP operations of the procedure catalog (handlers: ./api.ts, rules: shared/procedures). */
import * as z from 'zod/mini';
import { agencyLevelSchema } from '#shared/agencies/agency.ts';
import { pageOf, pageQueryFields } from '#shared/http/pagination.ts';
import { defineRoutes, type Scope, STAFF_ROLES } from '#shared/http/route.ts';
import {
  CreateProcedure,
  onlineLevelSchema,
  Procedure,
  procedureCodeSchema,
  procedureFieldSchema,
  UpdateProcedure,
} from '#shared/procedures/procedure.ts';

const everyone = Object.fromEntries([...STAFF_ROLES, 'citizen'].map((role) => [role, 'any' as Scope]));
const codeParam = z.strictObject({ code: procedureCodeSchema });

/** Who changes the catalog, said once for both writing routes. */
const WRITERS =
  'Only province admins change the catalog. There is no vendor role: a vendor that publishes forms and ' +
  'workflows for the province does so with a province-admin account the province issues to it, and its ' +
  'changes are audited under that account (machine clients with the integration role read the catalog only).';

export const procedureRoutes = defineRoutes({
  listProcedures: {
    method: 'GET',
    path: '/v1/procedures',
    summary: 'List the procedure catalog (thủ tục hành chính), filterable by field, level and online level',
    description:
      'Current versions only. Ordered by code; when `field` or `level` is given, by online level then code. ' +
      '`level` lists the procedures agencies of that level receive.',
    tags: ['Procedures'],
    access: { roles: everyone },
    request: {
      query: z.strictObject({
        field: z.optional(procedureFieldSchema),
        level: z.optional(agencyLevelSchema),
        onlineLevel: z.optional(onlineLevelSchema),
        ...pageQueryFields,
      }),
    },
    responses: { 200: { description: 'A page of procedures', schema: pageOf(Procedure) } },
  },
  getProcedure: {
    method: 'GET',
    path: '/v1/procedures/{code}',
    summary: 'Get a procedure, at its current version or at an earlier one',
    description:
      'Every change publishes a new version; `?version=N` reads the version a dossier was received under.',
    tags: ['Procedures'],
    access: { roles: everyone },
    request: {
      params: codeParam,
      query: z.strictObject({
        version: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(999_999))),
      }),
    },
    responses: { 200: { description: 'The procedure (ETag = version)', schema: Procedure } },
  },
  createProcedure: {
    method: 'POST',
    path: '/v1/procedures',
    summary: 'Add a procedure to the catalog',
    description:
      `The workflow is data: ordered steps, each with an agency (\`receiving\`, an \`ancestor\` level, or a ` +
      '`fixed` agency), a role and working days that add up to `processingDays`. `formSchema` is a JSON Schema ' +
      `(draft 2020-12) of the application form. ${WRITERS}`,
    tags: ['Procedures'],
    access: { roles: { 'province-admin': 'province' } },
    request: { body: CreateProcedure },
    responses: { 201: { description: 'Created at version 1', schema: Procedure } },
    idempotent: true,
  },
  updateProcedure: {
    method: 'PATCH',
    path: '/v1/procedures/{code}',
    summary: 'Change a procedure: publishes a new version',
    description:
      'Send only the fields to change (`null` removes an optional one). Each accepted change is a new version; ' +
      'earlier versions stay readable and dossiers keep the version they were received under. ' +
      `Honours If-Match. ${WRITERS}`,
    tags: ['Procedures'],
    access: { roles: { 'province-admin': 'province' } },
    request: { params: codeParam, body: UpdateProcedure },
    responses: { 200: { description: 'The new current version', schema: Procedure } },
    ifMatch: true,
  },
});
