/**
 * The byte-level half of PAdES (ISO 32000-1 §12.8): the signature dictionary with its zero-filled
 * /Contents and ByteRange, the digest of the bytes it covers, and writing the CMS in (finding the
 * signatures of a file is in ./pades.ts), and signing a placeholder with a seal key. No PDF
 * parsing, so both writers use it: ./pades.ts (an incremental update of
 * any PDF, read with shared/pdf/reader.ts) and shared/pdf/writer.ts (a PDF the platform writes, with the field
 * already in it: payment receipts).
 */
import { createHash } from 'node:crypto';
import { hexTextString, latin1, pdfDate } from '../pdf/syntax.ts';
import type { SealKey } from './capability.ts';
import { signDigestWithKey } from './cms.ts';

/** Bytes reserved for the CMS (hex-encoded in the file, so twice as many characters). */
export const DEFAULT_CONTENTS_BYTES = 16_384;
const BYTE_RANGE_WIDTH = 10;

export class PdfSignatureError extends Error {
  override name = 'PdfSignatureError';
}

export interface SignatureFieldOptions {
  readonly reason: string;
  readonly location?: string;
  /** Signer name shown by viewers (/Name). */
  readonly name?: string;
  /** Claimed signing time (/M; PAdES-B carries no signingTime attribute). */
  readonly signingTime: Date;
  readonly fieldName?: string;
  readonly contentsBytes?: number;
}

export interface SignaturePlaceholder {
  readonly byteRange: readonly [number, number, number, number];
  /** SHA-256 of the bytes the ByteRange covers (the CMS messageDigest). */
  readonly digest: Uint8Array;
}

/** The signature dictionary (`<< /Type /Sig … >>`), ByteRange and /Contents still to be filled. */
export function signatureDictionary(options: SignatureFieldOptions): string {
  const contentsBytes = options.contentsBytes ?? DEFAULT_CONTENTS_BYTES;
  const placeholder = '0'.repeat(BYTE_RANGE_WIDTH);
  const textEntry = (key: string, value: string | undefined) =>
    value ? ` /${key} ${hexTextString(value)}` : '';
  return (
    '<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached' +
    ` /ByteRange [0 ${placeholder} ${placeholder} ${placeholder}]` +
    ` /Contents <${'0'.repeat(contentsBytes * 2)}>` +
    ` /M (${pdfDate(options.signingTime)})${textEntry('Reason', options.reason)}` +
    `${textEntry('Location', options.location)}${textEntry('Name', options.name)} >>`
  );
}

/**
 * Fills in the ByteRange of the signature dictionary written at `dictionaryAt` (around its /Contents),
 * in place, and returns it with the digest of the covered bytes.
 */
export function placeholderOf(pdf: Uint8Array, dictionaryAt: number): SignaturePlaceholder {
  const text = latin1(pdf.subarray(dictionaryAt));
  const contentsAt = text.indexOf('/Contents <');
  const rangeAt = text.indexOf('/ByteRange [0 ');
  if (contentsAt < 0 || rangeAt < 0) throw new PdfSignatureError('No signature dictionary where expected');
  const contentsStart = dictionaryAt + contentsAt + '/Contents '.length;
  const contentsEnd = dictionaryAt + text.indexOf('>', contentsAt) + 1;
  const byteRange = [0, contentsStart, contentsEnd, pdf.length - contentsEnd] as const;
  const rangeText = byteRange
    .slice(1)
    .map((value) => String(value).padEnd(BYTE_RANGE_WIDTH, ' '))
    .join(' ');
  pdf.set(Buffer.from(rangeText, 'latin1'), dictionaryAt + rangeAt + '/ByteRange [0 '.length);
  const hash = createHash('sha256');
  for (const part of rangeParts(pdf, byteRange)) hash.update(part);
  return { byteRange, digest: new Uint8Array(hash.digest()) };
}

export function rangeParts(pdf: Uint8Array, byteRange: readonly number[]): Uint8Array[] {
  const [a = 0, b = 0, c = 0, d = 0] = byteRange;
  return [pdf.subarray(a, a + b), pdf.subarray(c, c + d)];
}

/** Writes the CMS (DER) into the prepared /Contents placeholder. */
export function embedCms(prepared: Uint8Array, byteRange: readonly number[], cms: Uint8Array): Uint8Array {
  const [, start = 0, end = 0] = byteRange;
  const capacity = (end - start - 2) / 2;
  if (cms.length > capacity) {
    throw new PdfSignatureError(
      `The signature (${cms.length} bytes) does not fit the ${capacity} bytes reserved`,
    );
  }
  if (prepared[start] !== 0x3c || prepared[end - 1] !== 0x3e) {
    throw new PdfSignatureError('The ByteRange does not surround the /Contents placeholder');
  }
  const signed = new Uint8Array(prepared);
  signed.set(Buffer.from(Buffer.from(cms).toString('hex').toUpperCase(), 'latin1'), start + 1);
  return signed;
}

/** Signs a prepared PDF's placeholder with a seal key (CMS for PAdES-B) and writes the CMS in. */
export async function signPlaceholder(
  key: SealKey,
  pdf: Uint8Array,
  placeholder: SignaturePlaceholder,
): Promise<Uint8Array> {
  return embedCms(pdf, placeholder.byteRange, await signDigestWithKey(key, placeholder.digest));
}
