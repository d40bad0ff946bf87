/**
 * The electronic receipt of a paid payment (biên lai thu phí, lệ phí điện tử): a one-page PDF in
 * Vietnamese, set in DejaVu Sans (the PDF standard fonts cannot encode Vietnamese), stored in the
 * files bucket under `receipts/<agency>/<payment id>.pdf`.
 *
 * The font file ships beside the code, not inside the JS bundle: RECEIPT_FONT_FILE in Lambda
 * (infra/cdk/function-profiles.ts copies it into the bundle), the dejavu-fonts-ttf package locally.
 */
import { dejavuFont } from '../pdf/fonts.ts';
import { PdfDocument, type PdfFont, type SavedPdf } from '../pdf/writer.ts';
import type { SignatureFieldOptions } from '../signing/pdf-signature.ts';
import { formatVnd, type Payment } from './payment.ts';

export const RECEIPT_FONT_ENV = 'RECEIPT_FONT_FILE';
export const RECEIPT_FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'] as const;

/** dd/MM/yyyy HH:mm in Vietnam time. */
export function vietnamDateTime(iso: string): string {
  const local = new Date(new Date(iso).getTime() + 7 * 3600_000).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}

export interface ReceiptInput {
  readonly payment: Payment;
  readonly agencyName: string;
  readonly gatewayName: string;
}

/** The receipt's text lines (also what a reader of the PDF finds in it). */
export function receiptLines({ payment, agencyName, gatewayName }: ReceiptInput) {
  return {
    title: 'BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ',
    header: [
      `Cơ quan thu: ${agencyName} (${payment.agencyCode})`,
      `Số biên lai (mã tra cứu thanh toán): ${payment.code}`,
      `Hồ sơ: ${payment.dossierCode ?? payment.dossierId}`,
      `Thủ tục: ${payment.procedureName} (${payment.procedureCode})`,
      `Người nộp: ${payment.payer.name}`,
    ],
    items: payment.lines.map((line) => ({
      name: `${line.kind === 'fee' ? 'Phí' : 'Lệ phí'}: ${line.name}`,
      amount: `${formatVnd(line.amount)} đồng`,
    })),
    total: `Tổng cộng: ${formatVnd(payment.amount)} đồng`,
    footer: [
      `Hình thức thanh toán: trực tuyến qua ${gatewayName}`,
      ...(payment.gatewayTransactionId ? [`Mã giao dịch: ${payment.gatewayTransactionId}`] : []),
      `Thời gian thanh toán: ${vietnamDateTime(payment.paidAt ?? payment.updatedAt)} (giờ Việt Nam)`,
    ],
  };
}

function wrap(text: string, font: PdfFont, size: number, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOf(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Builds the receipt PDF (A5 portrait); with `signatureField`, with an empty signature field for the
 * agency seal (shared/payments/seal.ts), so no second revision is needed to seal it.
 */
export async function buildReceiptPdf(
  input: ReceiptInput,
  options: { signatureField?: SignatureFieldOptions } = {},
): Promise<SavedPdf> {
  const [regular, bold] = await Promise.all(
    RECEIPT_FONT_FILES.map((file) => dejavuFont(RECEIPT_FONT_ENV, file)),
  );
  const content = receiptLines(input);
  const pdf = new PdfDocument({
    title: `${content.title} ${input.payment.code}`,
    language: 'vi-VN',
    producer: 'vn-province-platform payments',
    createdAt: new Date(input.payment.paidAt ?? input.payment.updatedAt),
  });
  const font = pdf.useFont(regular!);
  const boldFont = pdf.useFont(bold!);
  const page = pdf.addPage(420, 595);
  const margin = 36;
  const width = page.width - 2 * margin;
  const grey = [0.6, 0.6, 0.6] as const;
  let y = page.height - margin - 8;
  const write = (text: string, options: { size?: number; font?: PdfFont; x?: number } = {}) => {
    const size = options.size ?? 10;
    for (const line of wrap(text, options.font ?? font, size, width - (options.x ?? 0))) {
      page.text(line, { x: margin + (options.x ?? 0), y, size, font: options.font ?? font });
      y -= size * 1.5;
    }
  };
  const titleWidth = boldFont.widthOf(content.title, 13);
  page.text(content.title, { x: (page.width - titleWidth) / 2, y, size: 13, font: boldFont });
  y -= 28;
  for (const line of content.header) write(line);
  y -= 6;
  page.line({ from: [margin, y + 8], to: [margin + width, y + 8], color: grey });
  for (const item of content.items) {
    const amountWidth = font.widthOf(item.amount, 10);
    page.text(item.amount, { x: margin + width - amountWidth, y, size: 10, font });
    const before = y;
    for (const line of wrap(item.name, font, 10, width - amountWidth - 12)) {
      page.text(line, { x: margin, y, size: 10, font });
      y -= 15;
    }
    if (y === before) y -= 15;
  }
  page.line({ from: [margin, y + 8], to: [margin + width, y + 8], color: grey });
  write(content.total, { font: boldFont, size: 11 });
  y -= 6;
  for (const line of content.footer) write(line, { size: 9 });
  return pdf.save(options);
}
