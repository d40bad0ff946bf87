/**
 * The monthly report of an agency and its subtree (báo cáo tháng): dossiers by agency, documents by
 * level, payments by agency. The same reports as the API, so the PDF shows the API's figures.
 */
import type { MonthlyDocument } from './pdf.ts';
import { buildReport, monthRange, type Report } from './report.ts';

export async function monthlyReports(
  agency: string,
  month: string,
): Promise<Record<'dossiers' | 'documents' | 'payments', Report>> {
  const { from, to } = monthRange(month);
  const base = { agency, from, to, includeChildren: true } as const;
  const [dossiers, documents, payments] = await Promise.all([
    buildReport({ ...base, family: 'dossiers', groupBy: 'agency' }),
    buildReport({ ...base, family: 'documents', groupBy: 'level' }),
    buildReport({ ...base, family: 'payments', groupBy: 'agency' }),
  ]);
  return { dossiers, documents, payments };
}

export function monthlyDocument(
  month: string,
  reports: Awaited<ReturnType<typeof monthlyReports>>,
): MonthlyDocument {
  const { dossiers, documents, payments } = reports;
  return {
    title: `Báo cáo tháng ${month.slice(5)}/${month.slice(0, 4)} — ${dossiers.agency.name}`,
    subtitle: `Từ ${dossiers.from} đến ${dossiers.to}; ${dossiers.agencyCount} cơ quan; lập lúc ${dossiers.generatedAt}`,
    sections: [
      {
        title: 'Hồ sơ thủ tục hành chính (một cửa điện tử)',
        report: dossiers,
        columns: [
          'received',
          'receivedOnline',
          'handled',
          'due',
          'onTimeOrEarly',
          'returnedLate',
          'overdueUnresolved',
          'onTimeRatePercent',
          'fullyOnlineSharePercent',
        ],
      },
      {
        title: 'Văn bản đến, văn bản đi và ký số',
        report: documents,
        columns: ['incoming', 'incomingOverdue', 'outgoing', 'outgoingSigned', 'signingRatePercent'],
      },
      {
        title: 'Thu phí, lệ phí',
        report: payments,
        columns: ['payments', 'amount', 'onlinePayments', 'onlinePaymentSharePercent'],
      },
    ],
  };
}
