/**
 * Signing of webhook deliveries (the platform's side; the receiver's side is the sample verifier in
 * events/webhooks/verify-signature.ts, and the algorithm is documented in docs/webhooks.md):
 *
 *     Vnpp-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${rawBody}`)>[,v1=…]
 *
 * one `v1` per active secret (two during a rotation), the HMAC key being the UTF-8 bytes of the secret.
 */
import { createHmac } from 'node:crypto';

export const HEADER_SIGNATURE = 'Vnpp-Signature';
export const HEADER_EVENT_ID = 'Vnpp-Event-Id';
export const HEADER_DELIVERY_ID = 'Vnpp-Delivery-Id';
export const HEADER_EVENT_TYPE = 'Vnpp-Event-Type';

export const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

export function signPayload(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** The `Vnpp-Signature` value for a body sent at `at`, signed with each of `secrets`. */
export function signatureHeader(input: { secrets: readonly string[]; rawBody: string; at: Date }): string {
  if (input.secrets.length === 0) throw new Error('A delivery needs at least one signing secret');
  const t = unixSeconds(input.at);
  return [`t=${t}`, ...input.secrets.map((secret) => `v1=${signPayload(secret, t, input.rawBody)}`)].join(
    ',',
  );
}
