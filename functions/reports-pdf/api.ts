/**
 * Lambda handler of the monthly report document (PDF, shared/pdf/writer.ts). Its own function
 * because the font file (DejaVu Sans, 740 KB) ships beside its bundle only (docs/reports.md).
 */

import { monthlyReportRoutes } from '#functions/reports/routes.ts';
import { createApiHandler } from '#shared/http/api-handler.ts';
import { CONTENT_TYPES } from '#shared/reports/export.ts';
import { monthlyDocument, monthlyReports } from '#shared/reports/monthly.ts';
import { monthlyReportPdf } from '#shared/reports/pdf.ts';
import { reportAgency } from '#shared/reports/report.ts';

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
