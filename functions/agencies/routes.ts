/** HTTP operations of the agency registry (handlers: ./api.ts, rules: shared/agencies). */
import * as z from 'zod/mini';
import {
  Agency,
  agencyCodeSchema,
  agencyLevelSchema,
  CreateAgency,
  UpdateAgency,
} from '#shared/agencies/agency.ts';
import { pageOf, pageQueryFields } from '#shared/http/pagination.ts';
import { defineRoutes, type Scope, STAFF_ROLES } from '#shared/http/route.ts';

const everyone = Object.fromEntries([...STAFF_ROLES, 'citizen'].map((role) => [role, 'any' as Scope]));
const codeParam = z.strictObject({ code: agencyCodeSchema });

export const agencyRoutes = defineRoutes({
  listAgencies: {
    method: 'GET',
    path: '/v1/agencies',
    summary: 'List agencies of the province, filterable by level and parent',
    description:
      'Flat list in code order; each item carries `parentCode` and `ancestors` so clients can build the tree. ' +
      '`parent=ROOT` lists the top of the tree.',
    tags: ['Agencies'],
    access: { roles: everyone },
    request: {
      query: z.strictObject({
        level: z.optional(agencyLevelSchema),
        parent: z.optional(z.union([agencyCodeSchema, z.literal('ROOT')])),
        ...pageQueryFields,
      }),
    },
    responses: { 200: { description: 'A page of agencies', schema: pageOf(Agency) } },
  },
  getAgency: {
    method: 'GET',
    path: '/v1/agencies/{code}',
    summary: 'Get one agency',
    tags: ['Agencies'],
    access: { roles: everyone },
    request: { params: codeParam },
    responses: { 200: { description: 'The agency (ETag = version)', schema: Agency } },
  },
  createAgency: {
    method: 'POST',
    path: '/v1/agencies',
    summary: 'Add an agency under an existing parent',
    tags: ['Agencies'],
    access: { roles: { 'province-admin': 'province' } },
    request: { body: CreateAgency },
    responses: { 201: { description: 'Created', schema: Agency } },
    idempotent: true,
  },
  updateAgency: {
    method: 'PATCH',
    path: '/v1/agencies/{code}',
    summary: "Change an agency's name or contact details",
    description:
      'Province admins change any agency; an agency admin changes only their own. Honours If-Match.',
    tags: ['Agencies'],
    access: { roles: { 'province-admin': 'province', 'agency-admin': 'agency' } },
    request: { params: codeParam, body: UpdateAgency },
    responses: { 200: { description: 'Updated', schema: Agency } },
    ifMatch: true,
  },
  deleteAgency: {
    method: 'DELETE',
    path: '/v1/agencies/{code}',
    summary: 'Delete an agency without children',
    tags: ['Agencies'],
    access: { roles: { 'province-admin': 'province' } },
    request: { params: codeParam },
    responses: { 204: { description: 'Deleted' } },
    ifMatch: true,
  },
});
