/**
 * Reports and usage metering (handlers: ./api.ts and ./pdf.ts; rules: shared/reports; the
 * definition of every indicator: docs/reports.md).
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { isCalendarDay } from '#shared/calendar/civil-date.ts';
import { defineRoutes } from '#shared/http/route.ts';
import type { GROUP_BY } from '#shared/reports/report.ts';

const day = z.string().check(z.refine(isCalendarDay, 'A calendar day written YYYY-MM-DD (Vietnam time)'));
export const monthSchema = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'A month written YYYY-MM'));

const reportQuery = (groupBy: (typeof GROUP_BY)[number][]) =>
  z.strictObject({
    /** Defaults to the caller's agency. */
    agency: z.optional(agencyCodeSchema),
    from: day,
    to: day,
    groupBy: z.optional(z.enum(groupBy)),
    /** `true`: the agency and every agency below it. */
    children: z.optional(z.enum(['true', 'false'])),
    /** Comma-separated agency levels to keep, e.g. `district,commune`. */
    levels: z.optional(
      z
        .string()
        .check(
          z.regex(/^[a-z][a-z0-9-]{1,31}(,[a-z][a-z0-9-]{1,31}){0,9}$/, 'Level slugs separated by commas'),
        ),
    ),
    format: z.optional(z.enum(['json', 'csv', 'xlsx'])),
  });

const RateSchema = z.object({
  numerator: z.number(),
  denominator: z.number(),
  percent: z.nullable(z.number()),
});
const IndicatorsSchema = z.record(z.string(), z.union([z.number(), RateSchema]));

export const ReportSchema = z
  .object({
    family: z.string(),
    agency: z.object({ code: z.string(), name: z.string(), level: z.string() }),
    from: z.string(),
    to: z.string(),
    groupBy: z.string(),
    includeChildren: z.boolean(),
    levels: z.nullable(z.array(z.string())),
    agencyCount: z.number(),
    total: IndicatorsSchema,
    rows: z.array(z.object({ key: z.string(), label: z.string(), indicators: IndicatorsSchema })),
    generatedAt: z.string(),
  })
  .register(z.globalRegistry, {
    id: 'Report',
    description:
      'Indicators of the agencies in scope over [from, to] (Vietnam days), total and by group. ' +
      'A rate is {numerator, denominator, percent}: percent = numerator / denominator × 100 rounded half up to 2 decimals, null when the denominator is 0.',
  });

/** Leaders and agency admins read their agency and below; province admins and auditors anything. */
const reportReaders = {
  roles: {
    leader: 'agency-tree',
    'agency-admin': 'agency-tree',
    'province-admin': 'province',
    auditor: 'province',
  },
} as const;

const exportNote =
  '`format=csv` (UTF-8 with BOM) or `format=xlsx` returns the same rows and total as a file; rates as percent, numerator and denominator.';

export const reportRoutes = defineRoutes({
  getDossierReport: {
    method: 'GET',
    path: '/v1/reports/dossiers',
    summary: 'One-stop-shop dossier indicators',
    description:
      'Received (online / at counter / by post), handled, due, returned early / on time / late, overdue, denied, cancelled, ' +
      'paused, inter-agency, fully online. **On-time rate** = (returned early + returned on time) / due, where due = ' +
      'dossiers whose result was returned in the period (each has an appointment date); handled = returned + denied. ' +
      `Every fact is counted at the receiving agency on its Vietnam day. ${exportNote}`,
    tags: ['Reports'],
    access: reportReaders,
    request: { query: reportQuery(['agency', 'field', 'month', 'level', 'none']) },
    responses: { 200: { description: 'The report', schema: ReportSchema } },
  },
  getDocumentReport: {
    method: 'GET',
    path: '/v1/reports/documents',
    summary:
      'Official-document indicators: incoming, outgoing, signed outgoing, signing rate, overdue incoming',
    description: `Grouped by agency level by default (province / department / district / commune). **Signing rate** = outgoing documents issued with a digital signature / outgoing documents issued. ${exportNote}`,
    tags: ['Reports'],
    access: reportReaders,
    request: { query: reportQuery(['level', 'agency', 'month', 'none']) },
    responses: { 200: { description: 'The report', schema: ReportSchema } },
  },
  getPaymentReport: {
    method: 'GET',
    path: '/v1/reports/payments',
    summary: 'Fees collected by agency and procedure, online payment share',
    description: `Amounts in integer VND, counted on the day the payment was confirmed. **Online payment share** = payments confirmed through an online gateway / all confirmed payments. ${exportNote}`,
    tags: ['Reports'],
    access: reportReaders,
    request: { query: reportQuery(['agency', 'procedure', 'month', 'level', 'none']) },
    responses: { 200: { description: 'The report', schema: ReportSchema } },
  },
  getUsage: {
    method: 'GET',
    path: '/v1/usage',
    summary: 'Usage per agency for a month (rental billing)',
    description:
      'Dossiers received, documents sent and received, signatures, payments, storage bytes (confirmed uploads) and API calls, ' +
      'per agency. `format=csv|xlsx` is the billing export. Sources of each column: docs/reports.md.',
    tags: ['Reports'],
    access: { roles: { 'province-admin': 'province' } },
    request: {
      query: z.strictObject({
        month: monthSchema,
        format: z.optional(z.enum(['json', 'csv', 'xlsx'])),
      }),
    },
    responses: { 200: { description: 'Usage by agency', schema: ReportSchema } },
  },
});

export const monthlyReportRoutes = defineRoutes({
  getMonthlyReport: {
    method: 'GET',
    path: '/v1/reports/monthly',
    summary: 'The monthly report document (PDF) of an agency and its subtree',
    description:
      'Dossier indicators by agency, document indicators by level and payments by agency for the month, with the same figures as the JSON, CSV and XLSX reports.',
    tags: ['Reports'],
    access: reportReaders,
    request: {
      query: z.strictObject({ month: monthSchema, agency: z.optional(agencyCodeSchema) }),
    },
    responses: {
      200: { description: 'PDF document', contentType: 'application/pdf', schema: z.string() },
    },
  },
});
