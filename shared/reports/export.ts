/**
 * Report exports: the same table as the JSON report (one row per group, then the total), as CSV
 * (csv-stringify, UTF-8 with BOM so spreadsheet programs read Vietnamese correctly) or XLSX
 * (write-excel-file). Rates appear as their percent, numerator and denominator, all from the report.
 */
import { stringify } from 'csv-stringify/sync';
import writeXlsxFile from 'write-excel-file/node';
import type { Family } from './cells.ts';
import { columnsOf, type Indicators, type Rate } from './indicators.ts';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const;

export interface TabularReport {
  readonly family: Family;
  readonly groupBy: string;
  readonly rows: readonly { key: string; label: string; indicators: Indicators }[];
  readonly total: Indicators;
}

export type TableValue = string | number | null;

/** Header and rows of a report: group, label, every count, then percent / numerator / denominator of every rate. */
export function reportTable(report: TabularReport): { header: string[]; rows: TableValue[][] } {
  const { counts, rates } = columnsOf(report.family);
  const header = [
    report.groupBy,
    'label',
    ...counts,
    ...rates.flatMap((name) => [`${name}Percent`, `${name}Numerator`, `${name}Denominator`]),
  ];
  const line = (key: string, label: string, indicators: Indicators): TableValue[] => [
    key,
    label,
    ...counts.map((name) => indicators[name] as number),
    ...rates.flatMap((name) => {
      const value = indicators[name] as Rate;
      return [value.percent, value.numerator, value.denominator];
    }),
  ];
  return {
    header,
    rows: [
      ...report.rows.map((row) => line(row.key, row.label, row.indicators)),
      line('TOTAL', 'Tổng cộng', report.total),
    ],
  };
}

export function toCsv(report: TabularReport): string {
  const { header, rows } = reportTable(report);
  return `\uFEFF${stringify([header, ...rows.map((row) => row.map((value) => (value === null ? '' : value)))])}`;
}

export async function toXlsx(report: TabularReport, sheet = report.family): Promise<Buffer> {
  const { header, rows } = reportTable(report);
  const data = [
    header.map((value) => ({ value, fontWeight: 'bold' as const })),
    ...rows.map((row) =>
      row.map((value) =>
        value === null
          ? null
          : typeof value === 'number'
            ? { value, type: Number, ...(Number.isInteger(value) ? {} : { format: '0.00' }) }
            : { value, type: String },
      ),
    ),
  ];
  return writeXlsxFile(data, { sheet }).toBuffer();
}
