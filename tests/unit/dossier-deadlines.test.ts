/** Deadline flags (shared/dossiers/deadline.ts) and apology letters (shared/dossiers/apology-letter.ts), pure. */
import { describe, expect, it } from 'vitest';
import { apologyLetter } from '#shared/dossiers/apology-letter.ts';
import { deadlineFlagToRaise, WATCHED_STATUSES } from '#shared/dossiers/deadline.ts';
import { DOSSIER_STATUSES } from '#shared/dossiers/state-machine.ts';

const ict = (local: string) => new Date(`${local}+07:00`);
const dueAt = ict('2027-03-03T09:00:00').toISOString();
/** Now and now + 1 working day, as the job computes them. */
const at = (now: string, soonUntil: string) => [ict(now), ict(soonUntil)] as const;

describe('which deadline flag to raise', () => {
  const open = { status: 'processing' as const, dueAt };

  it('raises nothing before the last working day, due-soon within it, overdue after the instant', () => {
    expect(deadlineFlagToRaise(open, ...at('2027-03-01T10:00:00', '2027-03-02T10:00:00'))).toBeUndefined();
    expect(deadlineFlagToRaise(open, ...at('2027-03-02T10:00:00', '2027-03-03T10:00:00'))).toBe('due-soon');
    expect(deadlineFlagToRaise(open, ...at('2027-03-02T09:00:00', '2027-03-03T09:00:00'))).toBe('due-soon');
    // Due at 09:00 sharp is still on time at 09:00.
    expect(deadlineFlagToRaise(open, ...at('2027-03-03T09:00:00', '2027-03-04T09:00:00'))).toBe('due-soon');
    expect(deadlineFlagToRaise(open, ...at('2027-03-03T09:00:01', '2027-03-04T09:00:01'))).toBe('overdue');
  });

  it('raises each flag once for an appointment date, and never steps back from overdue', () => {
    const soon = at('2027-03-02T10:00:00', '2027-03-03T10:00:00');
    const late = at('2027-03-03T10:00:00', '2027-03-04T10:00:00');
    expect(deadlineFlagToRaise({ ...open, deadline: 'due-soon' }, ...soon)).toBeUndefined();
    expect(deadlineFlagToRaise({ ...open, deadline: 'due-soon' }, ...late)).toBe('overdue');
    expect(deadlineFlagToRaise({ ...open, deadline: 'overdue' }, ...late)).toBeUndefined();
    expect(deadlineFlagToRaise({ ...open, deadline: 'overdue' }, ...soon)).toBeUndefined();
  });

  it('watches only dossiers whose clock runs: not before receipt, not paused, not closed', () => {
    const late = at('2027-03-05T10:00:00', '2027-03-08T10:00:00');
    for (const status of DOSSIER_STATUSES) {
      const expected = WATCHED_STATUSES.includes(status) ? 'overdue' : undefined;
      expect(deadlineFlagToRaise({ status, dueAt }, ...late), status).toBe(expected);
    }
    expect(WATCHED_STATUSES).not.toContain('awaiting-supplement');
    expect(deadlineFlagToRaise({ status: 'processing' }, ...late)).toBeUndefined();
  });
});

describe('apology letters', () => {
  const dossier = {
    id: 'd-1',
    code: '000.01.21.H62-270301-0007',
    applicant: {
      kind: 'citizen' as const,
      fullName: 'Nguyễn Văn An',
      identity: { idType: 'citizen-id' as const, idNumber: '026090001234' },
    },
    procedure: {
      code: '1.001193',
      version: 1,
      name: 'Đăng ký khai sinh',
      field: 'Hộ tịch',
      onlineLevel: 'partial',
    },
  };

  it('after a late extension: the reason and the new appointment date', () => {
    const letter = apologyLetter(dossier, '2027-03-03T03:00:00.000Z', {
      occasion: 'extension',
      reason: 'Cần xác minh thực địa',
      newDueAt: ict('2027-03-05T09:00:00').toISOString(),
    });
    expect(letter.id).toBe('LETTER#2027-03-03T03:00:00.000Z');
    expect(letter.item).toMatchObject({
      PK: 'DOSSIER#d-1',
      SK: letter.id,
      entityType: 'apology-letter',
      kind: 'apology-letter',
      to: 'Nguyễn Văn An',
      dossierCode: dossier.code,
      newDueAt: ict('2027-03-05T09:00:00').toISOString(),
    });
    expect(letter.item.text).toBe(
      'Kính gửi ông/bà Nguyễn Văn An. Hồ sơ số 000.01.21.H62-270301-0007 (Đăng ký khai sinh) chưa được ' +
        'giải quyết đúng hạn. Lý do: Cần xác minh thực địa. Cơ quan xin lỗi ông/bà và hẹn trả kết quả vào ' +
        `${ict('2027-03-05T09:00:00').toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}.`,
    );
  });

  it('when found overdue: a draft naming the missed date, for the agency to complete', () => {
    const letter = apologyLetter(dossier, '2027-03-03T03:00:00.000Z', { occasion: 'overdue', dueAt });
    expect(letter.item).toMatchObject({
      kind: 'apology-letter',
      status: 'draft',
      dueAt,
      to: 'Nguyễn Văn An',
    });
    expect(letter.item).not.toHaveProperty('newDueAt');
    expect(letter.item.text).toContain('đã quá thời hạn giải quyết');
    expect(letter.item.text).toContain('9:00:00 3/3/2027');
    expect(letter.item.text).toContain('[ghi rõ lý do]');
  });
});
