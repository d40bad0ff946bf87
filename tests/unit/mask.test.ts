import { describe, expect, it } from 'vitest';
import { maskingReplacer, maskString } from '#shared/platform/mask.ts';

describe('personal data masking in logs', () => {
  it('masks citizen ID numbers and phone numbers inside text, keeping the last three digits', () => {
    expect(maskString('CCCD 001204012345 của ông An')).toBe('CCCD *********345 của ông An');
    expect(maskString('gọi 0912345678 hoặc +84 912 345 678')).not.toMatch(/912.?345/);
    expect(maskString('gọi 0912345678')).toBe('gọi *******678');
  });

  it('leaves agency codes, dates, short numbers and ARNs alone', () => {
    const text =
      'agency 000.00.21.H62 on 2026-11-22, dossier 42, arn:aws:lambda:ap-southeast-1:123456789012:function:x';
    expect(maskString(text)).toBe(text);
  });

  it('masks sensitive keys whatever their value', () => {
    const json = JSON.stringify(
      {
        applicant: { idNumber: '001204012345', phone: '0912345678', name: 'An' },
        authorization: 'Bearer abc.def',
      },
      maskingReplacer,
    );
    expect(json).not.toContain('001204012345');
    expect(json).not.toContain('0912345678');
    expect(json).not.toContain('abc.def');
    expect(JSON.parse(json).applicant.name).toBe('An');
  });
});
