/**
 * Sample receiver: verifies the `Vnpp-Signature` header of a webhook delivery (docs/webhooks.md).
 *
 * Dependency-free on purpose (Node's `node:crypto` only): agency vendors may copy this file into
 * their own system. The algorithm, for each secret the platform signs with:
 *
 *     signed_payload = `${t}.${raw request body bytes}`
 *     v1             = lowercase hex of HMAC-SHA256(key = UTF-8 bytes of the secret, signed_payload)
 *     Vnpp-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]   (one v1 per active secret)
 *
 * A receiver accepts a delivery when `t` is within the tolerance of its clock (default 5 minutes,
 * both directions) and one `v1` equals the HMAC computed with one of its secrets, compared in
 * constant time. Verify the body exactly as received, BEFORE parsing it as JSON, and deduplicate on
 * `Vnpp-Event-Id` (deliveries are at least once).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'vnpp-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Longest header accepted: a timestamp and a handful of signatures. Anything longer is refused unread. */
const MAX_HEADER_LENGTH = 2048;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

export interface VerifyWebhookSignatureOptions {
  /** The value of the `Vnpp-Signature` header (undefined or null when the request has none). */
  readonly header: string | null | undefined;
  /** The request body exactly as received: the bytes, or the text decoded as UTF-8. */
  readonly rawBody: string | Uint8Array;
  /** The secrets you hold for this subscription (current, and the previous one while rotating). */
  readonly secrets: readonly string[];
  /** How far `t` may be from your clock, in seconds. Default 300. */
  readonly toleranceSeconds?: number;
  /** Your clock; default the current time. */
  readonly now?: Date;
}

export type VerifyFailure =
  | 'missing-header'
  | 'malformed-header'
  | 'no-signature'
  | 'timestamp-outside-tolerance'
  | 'signature-mismatch';

export type VerifyResult =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: VerifyFailure };

export interface ParsedSignatureHeader {
  readonly timestamp: number;
  /** The `v1` signatures, lowercase hex. Other schemes (a future `v2`) are ignored. */
  readonly signatures: readonly string[];
}

/** Parses `t=…,v1=…[,v1=…]`; undefined when the header is malformed (no or repeated `t`, bad values). */
export function parseSignatureHeader(header: string): ParsedSignatureHeader | undefined {
  if (header.length > MAX_HEADER_LENGTH) return undefined;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const equals = item.indexOf('=');
    if (equals <= 0) return undefined;
    const key = item.slice(0, equals).trim();
    const value = item.slice(equals + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === 'v1') {
      const hex = value.toLowerCase();
      if (!HEX_SHA256.test(hex)) return undefined;
      signatures.push(hex);
    }
    // Unknown keys are ignored so that new schemes can be added without breaking receivers.
  }
  if (timestamp === undefined) return undefined;
  return { timestamp, signatures };
}

/** The `v1` signature of a body: hex HMAC-SHA256(secret, `${t}.${rawBody}`). */
export function computeV1Signature(secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.`, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/** Verifies a delivery; never throws for bad input, answers why it refused. */
export function verifyWebhookSignature(options: VerifyWebhookSignatureOptions): VerifyResult {
  const { header, rawBody, secrets } = options;
  if (header === undefined || header === null || header.trim() === '') {
    return { ok: false, reason: 'missing-header' };
  }
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed-header' };
  if (parsed.signatures.length === 0) return { ok: false, reason: 'no-signature' };

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (!(Math.abs(nowSeconds - parsed.timestamp) <= tolerance)) {
    return { ok: false, reason: 'timestamp-outside-tolerance' };
  }

  let matched = false;
  for (const secret of secrets) {
    if (secret === '') continue;
    const expected = Buffer.from(computeV1Signature(secret, parsed.timestamp, rawBody), 'hex');
    for (const signature of parsed.signatures) {
      // Both are 32 bytes (the header parser checked the length); compare every pair, no early exit.
      if (timingSafeEqual(expected, Buffer.from(signature, 'hex'))) matched = true;
    }
  }
  return matched ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: 'signature-mismatch' };
}
