/**
 * Apology letters (thư xin lỗi, Decree 61/2018 art. 19): a late dossier's applicant gets a written
 * apology with the reason and the new appointment date. Recorded as document items in the dossier's
 * partition (`LETTER#<at>`, read with its history). Two occasions write one:
 * - an extension made after the appointment date (`extend`, ./repository.ts): the reason and the new date;
 * - the deadline job finding the dossier overdue (./deadline-job.ts): a draft naming the missed date,
 *   which the agency completes with the reason and the new date (`status: 'draft'`).
 * Pure: the caller writes the item in the transaction of the change.
 */
import type { Dossier } from './dossier.ts';

export type ApologyLetterContent =
  | { readonly occasion: 'extension'; readonly reason: string; readonly newDueAt: string }
  | { readonly occasion: 'overdue'; readonly dueAt: string };

const vietnamTime = (iso: string) => new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });

export function apologyLetter(
  dossier: Pick<Dossier, 'id' | 'code' | 'applicant' | 'procedure'>,
  at: string,
  content: ApologyLetterContent,
) {
  const id = `LETTER#${at}`;
  const greeting = `Kính gửi ông/bà ${dossier.applicant.fullName}. Hồ sơ số ${dossier.code} (${dossier.procedure.name})`;
  const fields =
    content.occasion === 'extension'
      ? {
          newDueAt: content.newDueAt,
          text:
            `${greeting} chưa được giải quyết đúng hạn. Lý do: ${content.reason}. ` +
            `Cơ quan xin lỗi ông/bà và hẹn trả kết quả vào ${vietnamTime(content.newDueAt)}.`,
        }
      : {
          status: 'draft',
          dueAt: content.dueAt,
          text:
            `${greeting} đã quá thời hạn giải quyết theo giấy hẹn trả kết quả vào ${vietnamTime(content.dueAt)}. ` +
            'Cơ quan xin lỗi ông/bà vì sự chậm trễ này. Lý do: [ghi rõ lý do]. ' +
            'Cơ quan hẹn trả kết quả vào [ghi rõ ngày hẹn mới].',
        };
  return {
    id,
    item: {
      PK: `DOSSIER#${dossier.id}`,
      SK: id,
      entityType: 'apology-letter',
      kind: 'apology-letter',
      at,
      to: dossier.applicant.fullName,
      dossierCode: dossier.code,
      ...fields,
    },
  };
}
