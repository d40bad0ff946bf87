/** HMAC helpers of the gateway adapters: one digest function, one constant-time comparison. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GatewayError, GatewayOutcomeUnknownError } from './gateway.ts';

export function hmac(
  algorithm: 'sha256' | 'sha512',
  secret: string,
  data: string | Buffer,
  encoding: 'hex' | 'base64' = 'hex',
): string {
  return createHmac(algorithm, secret).update(data).digest(encoding);
}

/**
 * Compares a received signature with the expected one in constant time (the lengths are public:
 * both are digests of a known algorithm). Hex is compared case-insensitively.
 */
export function signaturesMatch(
  expected: string,
  received: string | undefined,
  encoding: 'hex' | 'base64',
): boolean {
  if (!received) return false;
  const normalise = (value: string) => (encoding === 'hex' ? value.toLowerCase() : value);
  const a = Buffer.from(normalise(expected), 'utf8');
  const b = Buffer.from(normalise(received.trim()), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * POSTs JSON with a timeout; the status and parsed answer. Throws GatewayError when the gateway
 * could not be reached at all, GatewayOutcomeUnknownError when the request may have arrived but no
 * answer came back (timeout, reset).
 */
export async function postJson(
  url: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; text: string }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // Refused before anything was sent: the gateway did nothing. Otherwise it may have.
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') {
      throw new GatewayError(`The gateway could not be reached (${code})`, { cause: error });
    }
    throw new GatewayOutcomeUnknownError(`The gateway did not answer: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}
