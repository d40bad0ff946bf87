/** Webhook signatures: the platform's signer against the sample receiver's verifier (docs/webhooks.md). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeV1Signature,
  parseSignatureHeader,
  verifyWebhookSignature,
} from '#events/webhooks/verify-signature.ts';
import { signatureHeader } from '#shared/subscriptions/signature.ts';
import { activeSecrets, generateSecret, rotateSecrets } from '#shared/subscriptions/subscription.ts';

const at = new Date('2026-11-22T02:30:00.000Z');
const body = JSON.stringify({
  version: '0',
  id: 'b1c2',
  'detail-type': 'AgencyCreated',
  source: 'vnpp.agencies',
  detail: { eventId: '01JDEMO0000000000000000001', data: { name: 'UBND phường Đống Đa' } },
});
const secret = generateSecret();

const sign = (secrets: readonly string[], rawBody = body, when = at) =>
  signatureHeader({ secrets, rawBody, at: when });

describe('sign → verify', () => {
  it('verifies a delivery signed with the subscription secret', () => {
    const header = sign([secret]);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ header, rawBody: body, secrets: [secret], now: at })).toEqual({
      ok: true,
      timestamp: Math.floor(at.getTime() / 1000),
    });
  });

  it('verifies the raw bytes as well as the text (non-ASCII body)', () => {
    const header = sign([secret]);
    expect(
      verifyWebhookSignature({ header, rawBody: Buffer.from(body, 'utf8'), secrets: [secret], now: at }).ok,
    ).toBe(true);
  });

  it('matches the documented test vector (docs/webhooks.md), computed independently with openssl', () => {
    const vectorBody =
      '{"id":"7f2c","detail-type":"AgencyCreated","detail":{"eventId":"01JDEMO0000000000000000001"}}';
    const header = signatureHeader({
      secrets: ['whsec_test_secret_do_not_use'],
      rawBody: vectorBody,
      at: new Date(1_764_000_000_000),
    });
    expect(header).toBe('t=1764000000,v1=3b91bc181b6450a190c67a54ac270043ab1d0ca340230c59b553dc3907a62f6e');
    expect(computeV1Signature('whsec_test_secret_do_not_use', 1_764_000_000, vectorBody)).toBe(
      '3b91bc181b6450a190c67a54ac270043ab1d0ca340230c59b553dc3907a62f6e',
    );
  });

  it('verifies any body and secret (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (anyBody, anySecret) => {
        const header = sign([anySecret], anyBody);
        return verifyWebhookSignature({ header, rawBody: anyBody, secrets: [anySecret], now: at }).ok;
      }),
    );
  });
});

describe('refusals', () => {
  it('refuses a forged signature', () => {
    const forged = `t=${Math.floor(at.getTime() / 1000)},v1=${'ab'.repeat(32)}`;
    expect(verifyWebhookSignature({ header: forged, rawBody: body, secrets: [secret], now: at })).toEqual({
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  it('refuses a signature made with another secret', () => {
    const header = sign([generateSecret()]);
    expect(verifyWebhookSignature({ header, rawBody: body, secrets: [secret], now: at }).ok).toBe(false);
  });

  it('refuses an altered body, even by one character or trailing whitespace', () => {
    const header = sign([secret]);
    for (const altered of [body.replace('Đống Đa', 'Đống Đà'), `${body} `, body.slice(0, -1), '']) {
      expect(verifyWebhookSignature({ header, rawBody: altered, secrets: [secret], now: at }).ok).toBe(false);
    }
  });

  it('refuses a replayed signature with a new timestamp (the timestamp is signed)', () => {
    const header = sign([secret]);
    const v1 = header.split(',')[1];
    const moved = `t=${Math.floor(at.getTime() / 1000) + 60},${v1}`;
    const later = new Date(at.getTime() + 60_000);
    expect(verifyWebhookSignature({ header: moved, rawBody: body, secrets: [secret], now: later })).toEqual({
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  it('refuses a stale or future timestamp outside the tolerance (default 5 min)', () => {
    const header = sign([secret]);
    const check = (offsetSeconds: number, toleranceSeconds?: number) =>
      verifyWebhookSignature({
        header,
        rawBody: body,
        secrets: [secret],
        now: new Date(at.getTime() + offsetSeconds * 1000),
        ...(toleranceSeconds !== undefined ? { toleranceSeconds } : {}),
      });
    expect(check(300).ok).toBe(true);
    expect(check(-300).ok).toBe(true);
    expect(check(301)).toEqual({ ok: false, reason: 'timestamp-outside-tolerance' });
    expect(check(-301)).toEqual({ ok: false, reason: 'timestamp-outside-tolerance' });
    expect(check(3600)).toEqual({ ok: false, reason: 'timestamp-outside-tolerance' });
    expect(check(30, 10).ok).toBe(false);
  });

  it('refuses when the receiver has no secret', () => {
    expect(verifyWebhookSignature({ header: sign([secret]), rawBody: body, secrets: [], now: at }).ok).toBe(
      false,
    );
    expect(verifyWebhookSignature({ header: sign(['']), rawBody: body, secrets: [''], now: at }).ok).toBe(
      false,
    );
  });
});

describe('rotation', () => {
  it('signs with the new and the previous secret for 24 h, so either verifies', () => {
    const rotated = rotateSecrets({ signingSecret: secret }, at);
    const secrets = activeSecrets(rotated, new Date(at.getTime() + 60_000));
    expect(secrets).toEqual([rotated.signingSecret, secret]);
    const header = sign(secrets);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifyWebhookSignature({ header, rawBody: body, secrets: [secret], now: at }).ok).toBe(true);
    expect(
      verifyWebhookSignature({ header, rawBody: body, secrets: [rotated.signingSecret], now: at }).ok,
    ).toBe(true);
    expect(
      verifyWebhookSignature({ header, rawBody: body, secrets: [rotated.signingSecret, secret], now: at }).ok,
    ).toBe(true);
    expect(verifyWebhookSignature({ header, rawBody: body, secrets: [generateSecret()], now: at }).ok).toBe(
      false,
    );
  });

  it('drops the previous secret after 24 h', () => {
    const rotated = rotateSecrets({ signingSecret: secret }, at);
    const dayLater = new Date(at.getTime() + 24 * 3600_000);
    expect(activeSecrets(rotated, dayLater)).toEqual([rotated.signingSecret]);
    const header = sign(activeSecrets(rotated, dayLater), body, dayLater);
    expect(verifyWebhookSignature({ header, rawBody: body, secrets: [secret], now: dayLater }).ok).toBe(
      false,
    );
  });

  it('generates distinct, long, prefixed secrets', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateSecret));
    expect(secrets.size).toBe(50);
    for (const s of secrets) expect(s).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});

describe('header parsing', () => {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = computeV1Signature(secret, t, body);

  it('accepts spaces, any order, upper-case hex and unknown schemes', () => {
    for (const header of [
      `t=${t},v1=${v1}`,
      ` t = ${t} , v1 = ${v1} `,
      `v1=${v1},t=${t}`,
      `t=${t},v1=${v1.toUpperCase()}`,
      `t=${t},v0=legacy,v2=future-scheme,v1=${v1}`,
      `t=${t},,v1=${v1},`,
      `t=${t},v1=${'0'.repeat(64)},v1=${v1}`,
    ]) {
      expect(verifyWebhookSignature({ header, rawBody: body, secrets: [secret], now: at }).ok, header).toBe(
        true,
      );
    }
  });

  it('refuses missing, malformed and signature-less headers without throwing', () => {
    const cases: [string | undefined | null, string][] = [
      [undefined, 'missing-header'],
      [null, 'missing-header'],
      ['   ', 'missing-header'],
      [`v1=${v1}`, 'malformed-header'], // no t
      [`t=${t},t=${t},v1=${v1}`, 'malformed-header'], // two t
      [`t=abc,v1=${v1}`, 'malformed-header'],
      [`t=-5,v1=${v1}`, 'malformed-header'],
      [`t=1e9,v1=${v1}`, 'malformed-header'],
      [`t=${t},v1=${v1.slice(1)}`, 'malformed-header'], // 63 hex
      [`t=${t},v1=${v1}00`, 'malformed-header'], // 66 hex
      [`t=${t},v1=${'z'.repeat(64)}`, 'malformed-header'],
      [`t=${t},garbage`, 'malformed-header'],
      [`t=${t},=x`, 'malformed-header'],
      [`t=${t},v1=${v1},${'x=y,'.repeat(1000)}`, 'malformed-header'], // too long
      [`t=${t}`, 'no-signature'],
      [`t=${t},v0=${v1}`, 'no-signature'],
    ];
    for (const [header, reason] of cases) {
      expect(
        verifyWebhookSignature({ header, rawBody: body, secrets: [secret], now: at }),
        String(header),
      ).toEqual({
        ok: false,
        reason,
      });
    }
  });

  it('never throws on arbitrary headers (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (header) => {
        const result = verifyWebhookSignature({ header, rawBody: body, secrets: [secret], now: at });
        return result.ok === false;
      }),
    );
  });

  it('parses the documented shape', () => {
    expect(parseSignatureHeader(`t=${t},v1=${v1},v1=${'a'.repeat(64)}`)).toEqual({
      timestamp: t,
      signatures: [v1, 'a'.repeat(64)],
    });
  });
});
