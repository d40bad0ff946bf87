/**
 * The province's monthly report document (báo cáo tháng), as PDF (shared/pdf/writer.ts). Vietnamese text needs
 * an embedded Unicode font: DejaVu Sans, shipped as a file next to the Lambda bundle (profile
 * `reports-pdf`, REPORT_FONT_FILE) and read from the dejavu-fonts-ttf package locally. Only the
 * glyphs used are embedded (subset). The figures are the reports' own, in the same table layout
 * as the CSV and XLSX exports (./export.ts).
 */
import { dejavuFont } from '../pdf/fonts.ts';
import { PdfDocument, type PdfFont, type PdfPage } from '../pdf/writer.ts';
import { REPORT_FONT_ENV } from './config.ts';
import { reportTable, type TableValue, type TabularReport } from './export.ts';

export interface MonthlySection {
  readonly title: string;
  readonly report: TabularReport;
  /** Indicator names shown (the PDF page is narrower than a spreadsheet). */
  readonly columns: readonly string[];
}

export interface MonthlyDocument {
  readonly title: string;
  readonly subtitle: string;
  readonly sections: readonly MonthlySection[];
}

const A4: [number, number] = [841.89, 595.28]; // landscape
const MARGIN = 36;

const formatValue = (value: TableValue): string =>
  value === null ? '–' : typeof value === 'number' ? value.toLocaleString('en-US') : value;

export async function monthlyReportPdf(document: MonthlyDocument): Promise<Buffer> {
  const pdf = new PdfDocument({
    title: document.title,
    subject: document.subtitle,
    producer: 'vn-province-platform reports',
    language: 'vi-VN',
  });
  const font = pdf.useFont(await dejavuFont(REPORT_FONT_ENV, 'DejaVuSans.ttf'));

  let page: PdfPage = pdf.addPage(...A4);
  let y = A4[1] - MARGIN;
  const write = (text: string, size: number, x = MARGIN) => {
    if (y < MARGIN + size) {
      page = pdf.addPage(...A4);
      y = A4[1] - MARGIN;
    }
    page.text(text, { x, y, size, font });
    y -= size * 1.5;
  };

  write(document.title, 16);
  write(document.subtitle, 10);
  y -= 6;
  const row = (cells: readonly string[], size: number) => {
    if (y < MARGIN + size) {
      page = pdf.addPage(...A4);
      y = A4[1] - MARGIN;
    }
    const width = (A4[0] - 2 * MARGIN) / cells.length;
    cells.forEach((text, i) => {
      page.text(truncateToWidth(text, font, size, width - 4), { x: MARGIN + i * width, y, size, font });
    });
    y -= size * 1.6;
  };
  for (const section of document.sections) {
    y -= 8;
    write(section.title, 12);
    const { header, rows } = reportTable(section.report);
    const picked = [0, 1, ...section.columns.map((name) => header.indexOf(name)).filter((i) => i >= 0)];
    row(
      picked.map((i) => header[i]!),
      7,
    );
    for (const values of rows)
      row(
        picked.map((i) => formatValue(values[i] ?? null)),
        7,
      );
  }
  return Buffer.from(pdf.save().pdf);
}

function truncateToWidth(text: string, font: PdfFont, size: number, width: number): string {
  let value = text;
  while (value.length > 1 && font.widthOf(value, size) > width) value = value.slice(0, -1);
  return value === text ? value : `${value.slice(0, -1)}…`;
}
