/**
 * Lambda handler of the monthly report document (PDF). Its own function because pdf-lib and
 * fontkit weigh about 1.5 MB minified: the other report routes stay small (docs/reports.md).
 */
import { createApiHandler } from '#shared/http/api-handler.ts';
import { CONTENT_TYPES } from '#shared/reports/export.ts';
import { monthlyDocument, monthlyReports } from '#shared/reports/monthly.ts';
import { monthlyReportPdf } from '#shared/reports/pdf.ts';
import { reportAgency } from '#shared/reports/report.ts';
import { monthlyReportRoutes } from './routes.ts';

export const handler = createApiHandler(monthlyReportRoutes, {
  async getMonthlyReport({ query, principal, authorize }) {
    const agency = reportAgency(query, principal);
    await authorize({ agencyCode: agency });
    const pdf = await monthlyReportPdf(
      monthlyDocument(query.month, await monthlyReports(agency, query.month)),
    );
    return {
      status: 200,
      raw: { body: pdf, contentType: CONTENT_TYPES.pdf },
      headers: { 'content-disposition': `attachment; filename="report-${agency}-${query.month}.pdf"` },
    };
  },
});
