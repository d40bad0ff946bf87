/** Lambda handler of the report and usage routes (use cases: shared/reports). */
import { createApiHandler, type Reply } from '#shared/http/api-handler.ts';
import type { Principal } from '#shared/http/auth.ts';
import type { Family } from '#shared/reports/cells.ts';
import { CONTENT_TYPES, toCsv, toXlsx } from '#shared/reports/export.ts';
import {
  buildReport,
  buildUsageReport,
  type GroupBy,
  type Report,
  reportAgency,
} from '#shared/reports/report.ts';
import { reportRoutes } from './routes.ts';

interface ReportQuery {
  agency?: string | undefined;
  from: string;
  to: string;
  groupBy?: string | undefined;
  children?: 'true' | 'false' | undefined;
  levels?: string | undefined;
  format?: 'json' | 'csv' | 'xlsx' | undefined;
}

export async function replyWith(report: Report, format: ReportQuery['format'], name: string): Promise<Reply> {
  if (format === 'csv' || format === 'xlsx') {
    const body = format === 'csv' ? toCsv(report) : await toXlsx(report);
    return {
      status: 200,
      raw: { body, contentType: CONTENT_TYPES[format] },
      headers: { 'content-disposition': `attachment; filename="${name}.${format}"` },
    };
  }
  return { status: 200, body: report };
}

function reportHandler(family: Family, defaultGroupBy: GroupBy) {
  return async ({
    query,
    principal,
    authorize,
  }: {
    query: ReportQuery;
    principal: Principal;
    authorize: (target: { agencyCode: string }) => Promise<void>;
  }): Promise<Reply> => {
    const agency = reportAgency(query, principal);
    await authorize({ agencyCode: agency });
    const report = await buildReport({
      family,
      agency,
      from: query.from,
      to: query.to,
      groupBy: (query.groupBy as GroupBy | undefined) ?? defaultGroupBy,
      includeChildren: query.children === 'true',
      levels: query.levels?.split(','),
    });
    return replyWith(report, query.format, `${family}-${agency}-${query.from}-${query.to}`);
  };
}

export const handler = createApiHandler(reportRoutes, {
  getDossierReport: reportHandler('dossiers', 'agency'),
  getDocumentReport: reportHandler('documents', 'level'),
  getPaymentReport: reportHandler('payments', 'agency'),
  async getUsage({ query }) {
    return replyWith(await buildUsageReport(query.month), query.format, `usage-${query.month}`);
  },
});
