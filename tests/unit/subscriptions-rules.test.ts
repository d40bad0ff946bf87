/** Pure rules of webhook subscriptions: visibility, delivery planning, retry schedule, URL rules. */
import { describe, expect, it } from 'vitest';
import { AgencyCreatedV1 } from '#events/agencies/agency-changed.v1.ts';
import {
  deliveryIdOf,
  MAX_ATTEMPTS,
  nextAttemptAfter,
  outcomeOf,
  RETRY_DELAYS_MS,
  toDelivery,
} from '#shared/subscriptions/delivery.ts';
import { DUE_SHARDS, dueIndexKeys, dueShardOf, dueUpperBound } from '#shared/subscriptions/keys.ts';
import {
  CreateSubscription,
  mayUseProvinceScope,
  publicView,
  type StoredSubscription,
  SUBSCRIBABLE_EVENT_TYPES,
  UpdateSubscription,
} from '#shared/subscriptions/subscription.ts';
import { checkWebhookUrl, isForbiddenAddress } from '#shared/subscriptions/url-rules.ts';
import { isVisibleTo, planDeliveries, type SubscriptionTarget } from '#shared/subscriptions/visibility.ts';

const PROVINCE = '000.00.00.H62';
const VINH_YEN = '000.00.21.H62';
const TICH_SON = '000.01.21.H62';
const PHUC_YEN = '000.00.22.H62';

const detail = { ...AgencyCreatedV1.example, agencyCode: TICH_SON, recipients: [VINH_YEN, TICH_SON] };

const target = (
  id: string,
  agencyCode: string,
  fields: Partial<SubscriptionTarget> = {},
): SubscriptionTarget => ({ id, agencyCode, scope: 'agency', status: 'active', ...fields });

describe('visibility', () => {
  it('shows an event to the agency it was made for and to its recipients', () => {
    expect(isVisibleTo(target('a', TICH_SON), detail)).toBe(true);
    expect(isVisibleTo(target('b', VINH_YEN), detail)).toBe(true);
  });

  it('hides it from other agencies, including the province, unless they watch the province', () => {
    expect(isVisibleTo(target('c', PHUC_YEN), detail)).toBe(false);
    expect(isVisibleTo(target('d', PROVINCE), detail)).toBe(false);
    expect(isVisibleTo(target('e', PROVINCE, { scope: 'province' }), detail)).toBe(true);
  });

  it('handles events without an acting agency', () => {
    const systemEvent = { ...detail, agencyCode: null, recipients: [PHUC_YEN] };
    expect(isVisibleTo(target('f', PHUC_YEN), systemEvent)).toBe(true);
    expect(isVisibleTo(target('g', VINH_YEN), systemEvent)).toBe(false);
  });

  it('allows the province scope only for the root agency', () => {
    expect(mayUseProvinceScope({ parentCode: null })).toBe(true);
    expect(mayUseProvinceScope({ parentCode: PROVINCE })).toBe(false);
  });
});

describe('planDeliveries', () => {
  const subscriptions = [
    target('s-tichson', TICH_SON),
    target('s-vinhyen', VINH_YEN),
    target('s-vinhyen', VINH_YEN), // duplicate index hit
    target('s-phucyen', PHUC_YEN),
    target('s-paused', VINH_YEN, { status: 'paused' }),
    target('s-province', PROVINCE, { scope: 'province' }),
    target('s-other-type', VINH_YEN, { eventTypes: ['AgencyDeleted'] }),
  ];

  it('plans one delivery per active subscription that may see the event', () => {
    const plan = planDeliveries(detail, subscriptions, 'AgencyCreated');
    expect(plan.map((p) => p.subscriptionId)).toEqual(['s-tichson', 's-vinhyen', 's-province']);
    expect(plan[0]).toEqual({
      deliveryId: deliveryIdOf('s-tichson', detail.eventId),
      subscriptionId: 's-tichson',
      agencyCode: TICH_SON,
    });
  });

  it('derives the same ids for the same event (idempotent fan-out) and different ids otherwise', () => {
    const first = planDeliveries(detail, subscriptions);
    expect(planDeliveries(detail, subscriptions)).toEqual(first);
    const other = planDeliveries({ ...detail, eventId: '01JDEMO0000000000000000002' }, subscriptions);
    expect(other.map((p) => p.deliveryId)).not.toEqual(first.map((p) => p.deliveryId));
    expect(deliveryIdOf('a', 'b')).toMatch(/^[0-9a-f]{32}$/);
    expect(deliveryIdOf('a', 'bc')).not.toBe(deliveryIdOf('ab', 'c'));
  });

  it('plans nothing when nobody may see the event', () => {
    expect(
      planDeliveries({ ...detail, agencyCode: null, recipients: [] }, subscriptions.slice(0, 4)),
    ).toEqual([]);
  });
});

describe('retry schedule', () => {
  const start = new Date('2026-11-22T02:30:00.000Z');

  it('retries after 1 min, 5 min, 1 h and 1 day, then gives up', () => {
    expect(RETRY_DELAYS_MS).toEqual([60_000, 300_000, 3_600_000, 86_400_000]);
    expect(MAX_ATTEMPTS).toBe(5);
    let at = start;
    const times: string[] = [];
    for (let made = 1; ; made += 1) {
      const next = nextAttemptAfter(made, at);
      if (!next) {
        expect(made).toBe(5);
        break;
      }
      times.push(next.toISOString());
      at = next;
    }
    expect(times).toEqual([
      '2026-11-22T02:31:00.000Z',
      '2026-11-22T02:36:00.000Z',
      '2026-11-22T03:36:00.000Z',
      '2026-11-23T03:36:00.000Z',
    ]);
  });

  it('succeeds on 2xx only; redirects, errors and timeouts are retried', () => {
    const attempt = (fields: { httpStatus?: number; error?: string }) => ({
      at: start.toISOString(),
      durationMs: 3,
      ...fields,
    });
    expect(outcomeOf(attempt({ httpStatus: 200 }), 1, start)).toEqual({ status: 'succeeded' });
    expect(outcomeOf(attempt({ httpStatus: 204 }), 5, start)).toEqual({ status: 'succeeded' });
    for (const failed of [
      { httpStatus: 302 },
      { httpStatus: 410 },
      { httpStatus: 500 },
      { error: 'timeout' },
    ]) {
      expect(outcomeOf(attempt(failed), 1, start)).toEqual({
        status: 'pending',
        nextAttemptAt: new Date(start.getTime() + 60_000),
      });
      expect(outcomeOf(attempt(failed), 5, start)).toEqual({ status: 'failed' });
    }
  });
});

describe('due index', () => {
  it('spreads deliveries over the shards, deterministically', () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => dueShardOf(deliveryIdOf('s', `e${i}`))));
    expect(shards.size).toBe(DUE_SHARDS);
    const id = deliveryIdOf('s', 'e');
    expect(dueIndexKeys(id, '2026-11-22T02:30:00.000Z')).toEqual({
      GSI2PK: `DELIVERIES#DUE#${dueShardOf(id)}`,
      GSI2SK: `2026-11-22T02:30:00.000Z#${id}`,
    });
  });

  it('bounds the due range at now, inclusive', () => {
    const now = new Date('2026-11-22T02:30:00.000Z');
    const id = deliveryIdOf('s', 'e');
    expect(dueIndexKeys(id, now.toISOString()).GSI2SK <= dueUpperBound(now)).toBe(true);
    expect(dueIndexKeys(id, '2026-11-22T02:30:00.001Z').GSI2SK <= dueUpperBound(now)).toBe(false);
  });
});

describe('webhook URL rules', () => {
  const strict = { allowLoopback: false };
  const local = { allowLoopback: true };

  it('accepts public https URLs', () => {
    for (const url of [
      'https://lgsp.vinhphuc.gov.vn/hooks/vnpp',
      'https://hooks.example.org:8443/a?b=c',
      'https://8.8.8.8/hook',
      'https://[2001:4860:4860::8888]/hook',
    ]) {
      expect(checkWebhookUrl(url, strict), url).toMatchObject({ ok: true });
    }
  });

  it('refuses plain http, other schemes, credentials, fragments and junk', () => {
    for (const url of [
      'http://lgsp.vinhphuc.gov.vn/hooks',
      'ftp://lgsp.vinhphuc.gov.vn/hooks',
      'file:///etc/passwd',
      'https://user:pass@lgsp.vinhphuc.gov.vn/',
      'https://lgsp.vinhphuc.gov.vn/#x',
      'not a url',
      `https://a.vn/${'x'.repeat(2100)}`,
    ]) {
      expect(checkWebhookUrl(url, strict).ok, url).toBe(false);
    }
  });

  it('refuses private, link-local, metadata and reserved literal addresses, however written', () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.5/',
      'https://172.16.0.1/',
      'https://172.31.255.255/',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
      'https://0xa9.0xfe.0xa9.0xfe/', // 169.254.169.254 in hex
      'https://2852039166/', // 169.254.169.254 as one number
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://[::]/',
      'https://metadata.google.internal/',
      'https://intranet/',
      'https://printer.local/',
    ]) {
      expect(checkWebhookUrl(url, strict).ok, url).toBe(false);
      expect(checkWebhookUrl(url, local).ok, `${url} (local)`).toBe(false);
    }
    expect(checkWebhookUrl('https://172.32.0.1/', strict).ok).toBe(true); // just outside 172.16/12
  });

  it('allows loopback (http too) only when WEBHOOK_ALLOW_LOOPBACK is on', () => {
    for (const url of [
      'http://127.0.0.1:4567/hook',
      'http://localhost:4567/hook',
      'https://[::1]/',
      'http://127.1.2.3/',
    ]) {
      expect(checkWebhookUrl(url, strict).ok, url).toBe(false);
      expect(checkWebhookUrl(url, local).ok, url).toBe(true);
    }
    expect(checkWebhookUrl('http://10.0.0.1/', local).ok).toBe(false);
  });

  it('checks resolved addresses the same way (DNS-rebinding guard at send time)', () => {
    expect(isForbiddenAddress('169.254.169.254', strict)).toBe(true);
    expect(isForbiddenAddress('127.0.0.1', strict)).toBe(true);
    expect(isForbiddenAddress('127.0.0.1', local)).toBe(false);
    expect(isForbiddenAddress('::ffff:a9fe:a9fe', strict)).toBe(true);
    expect(isForbiddenAddress('203.162.4.190', strict)).toBe(false);
    expect(isForbiddenAddress('not-an-ip', strict)).toBe(true);
  });
});

describe('schemas and views', () => {
  it('accepts only catalogued event types, each once', () => {
    expect(SUBSCRIBABLE_EVENT_TYPES).toEqual(
      expect.arrayContaining(['AgencyCreated', 'AgencyUpdated', 'AgencyDeleted']),
    );
    const body = { url: 'https://a.vn/h', eventTypes: ['AgencyCreated'] };
    expect(CreateSubscription.safeParse(body).success).toBe(true);
    expect(CreateSubscription.safeParse({ ...body, eventTypes: ['DossierEaten'] }).success).toBe(false);
    expect(CreateSubscription.safeParse({ ...body, eventTypes: [] }).success).toBe(false);
    expect(
      CreateSubscription.safeParse({ ...body, eventTypes: ['AgencyCreated', 'AgencyCreated'] }).success,
    ).toBe(false);
    expect(CreateSubscription.safeParse({ ...body, secret: 'mine' }).success).toBe(false);
    expect(UpdateSubscription.safeParse({}).success).toBe(false);
    expect(UpdateSubscription.safeParse({ status: 'paused' }).success).toBe(true);
  });

  it('never puts a secret in the public view', () => {
    const stored: StoredSubscription = {
      id: 'x',
      agencyCode: VINH_YEN,
      url: 'https://a.vn/h',
      eventTypes: ['AgencyCreated'],
      status: 'active',
      scope: 'agency',
      secretHint: 'abcd',
      signingSecret: 'whsec_current-abcd',
      previousSigningSecret: 'whsec_previous-wxyz',
      previousSecretExpiresAt: '2026-11-23T00:00:00.000Z',
      version: 2,
      createdAt: '2026-11-22T00:00:00.000Z',
      updatedAt: '2026-11-22T00:00:00.000Z',
    };
    const during = publicView(stored, new Date('2026-11-22T12:00:00.000Z'));
    expect(JSON.stringify(during)).not.toContain('whsec_');
    expect(during.previousSecretExpiresAt).toBe('2026-11-23T00:00:00.000Z');
    expect(publicView(stored, new Date('2026-11-24T00:00:00.000Z')).previousSecretExpiresAt).toBeUndefined();
  });

  it('keeps the body, lease and keys out of the delivery view', () => {
    const view = toDelivery({
      PK: 'SUB#x',
      SK: 'DELIVERY#…',
      GSI2PK: 'DELIVERIES#DUE#1',
      id: 'd',
      status: 'pending',
      attempts: [],
      body: '{"secret":"no"}',
      leaseToken: 't',
    });
    expect(view).toEqual({ id: 'd', status: 'pending', attempts: [], nextAttemptAt: null });
  });
});
