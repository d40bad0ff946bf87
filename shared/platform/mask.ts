/**
 * Masking of personal identifiers in logs (Decree 13/2023/NĐ-CP on personal data).
 * Keys that name an identifier are masked whatever their value; inside any other string,
 * 12-digit citizen ID numbers (CCCD), 9-digit legacy ID numbers (CMND), 10/13-digit tax codes
 * and Vietnamese phone numbers are masked, keeping the last three characters for support work.
 */

const SENSITIVE_KEY =
  /^(?:id_?number|citizen_?id|cccd|cmnd|identity_?number|tax_?code|phone(?:_?number)?|mobile|telephone|tel|authorization|password|secret|token|access_?token|id_?token|refresh_?token|otp)$/i;

// A run of 9-13 digits not glued to other digits or letters (nor after ':' as in ARNs), and phone
// numbers like +84 912 345 678.
const DIGIT_RUN = /(?<![\p{L}\p{N}:])(?:\+?84[\s.-]?|0)?\d(?:[\s.-]?\d){8,12}(?![\p{L}\p{N}])/gu;

export function maskValue(value: string): string {
  const compact = value.replace(/[\s.-]/g, '');
  if (compact.length <= 3) return '***';
  return `${'*'.repeat(Math.min(compact.length - 3, 12))}${compact.slice(-3)}`;
}

export function maskString(text: string): string {
  return text.replace(DIGIT_RUN, (match) => maskValue(match));
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.replace(/-/g, '_'));
}

/** JSON.stringify replacer: masks sensitive keys and identifiers inside strings. */
export function maskingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSensitiveKey(key) && value !== null && value !== undefined) {
    return typeof value === 'string' ? maskValue(value) : '***';
  }
  if (typeof value === 'string') return maskString(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
