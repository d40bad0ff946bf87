/** PDF syntax shared by the writer (./writer.ts) and the signature code (shared/signing/pdf-signature.ts). */

/** PDF date: D:YYYYMMDDHHmmSS+00'00' (UTC). */
export function pdfDate(at: Date): string {
  const iso = at.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+00'00'`;
}

/** Parses a PDF date (D:YYYYMMDDHHmmSS with optional offset) to a Date. */
export function parsePdfDate(value: string): Date | undefined {
  const match =
    /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(\d{2})?'?)?)?/.exec(value);
  if (!match) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset =
    sign === '+' || sign === '-' ? (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '+' ? 1 : -1) : 0;
  return new Date(utc - offset);
}

/** A text string as UTF-16BE with a byte order mark, hex: <FEFF…>. */
export function hexTextString(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

/** A text string: printable ASCII as a literal (…), anything else as UTF-16BE hex. */
export function textString(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? `(${escapeLiteral(text)})` : hexTextString(text);
}

/** Escapes a literal string's delimiters and backslashes. */
export const escapeLiteral = (text: string): string => text.replace(/[\\()]/g, (c) => `\\${c}`);

export const latin1 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
