import { describe, expect, it } from 'vitest';
import {
  assertRoleAdmitted,
  assertScope,
  type Principal,
  principalFromClaims,
  VerifiedTokens,
} from '#shared/http/auth.ts';
import { ForbiddenError, NotFoundError } from '#shared/http/errors.ts';
import type { Access } from '#shared/http/route.ts';

const PROVINCE = '000.00.00.H62';
const DISTRICT = '000.00.21.H62';
const COMMUNE = '000.01.21.H62';
const OTHER_DISTRICT = '000.00.22.H62';
const tree: Record<string, string[]> = {
  [PROVINCE]: [],
  [DISTRICT]: [PROVINCE],
  [COMMUNE]: [PROVINCE, DISTRICT],
  [OTHER_DISTRICT]: [PROVINCE],
};
const ancestorsOf = async (code: string) => tree[code];

const user = (roles: Principal['roles'], agencyCode?: string, sub = 'u-1'): Principal => ({
  sub,
  username: sub,
  roles,
  ...(agencyCode ? { agencyCode } : {}),
});

const access: Access = {
  roles: { citizen: 'owner', clerk: 'agency', leader: 'agency-tree', auditor: 'province' },
  deny: 'not-found',
};

describe('role admission', () => {
  it('admits a role the route lists and refuses others with 403', () => {
    expect(assertRoleAdmitted(access, user(['clerk'], DISTRICT))).toEqual(['agency']);
    expect(() => assertRoleAdmitted(access, user(['specialist'], DISTRICT))).toThrow(ForbiddenError);
  });
});

describe('scopes', () => {
  it('agency: own agency only', async () => {
    await expect(
      assertScope(access, user(['clerk'], DISTRICT), { agencyCode: DISTRICT }, ancestorsOf),
    ).resolves.toBeUndefined();
    await expect(
      assertScope(access, user(['clerk'], DISTRICT), { agencyCode: COMMUNE }, ancestorsOf),
    ).rejects.toThrow(NotFoundError);
  });

  it('agency-tree: own agency and agencies below it, not siblings or parents', async () => {
    const leader = user(['leader'], DISTRICT);
    await expect(assertScope(access, leader, { agencyCode: DISTRICT }, ancestorsOf)).resolves.toBeUndefined();
    await expect(assertScope(access, leader, { agencyCode: COMMUNE }, ancestorsOf)).resolves.toBeUndefined();
    await expect(assertScope(access, leader, { agencyCode: OTHER_DISTRICT }, ancestorsOf)).rejects.toThrow(
      NotFoundError,
    );
    await expect(assertScope(access, leader, { agencyCode: PROVINCE }, ancestorsOf)).rejects.toThrow(
      NotFoundError,
    );
    await expect(assertScope(access, leader, { agencyCode: '999.99.99.Z99' }, ancestorsOf)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('owner: the citizen who owns the record only', async () => {
    await expect(
      assertScope(access, user(['citizen'], undefined, 'c-1'), { ownerSub: 'c-1' }, ancestorsOf),
    ).resolves.toBeUndefined();
    await expect(
      assertScope(access, user(['citizen'], undefined, 'c-2'), { ownerSub: 'c-1' }, ancestorsOf),
    ).rejects.toThrow(NotFoundError);
    await expect(
      assertScope(access, user(['citizen'], undefined, 'c-2'), { agencyCode: DISTRICT }, ancestorsOf),
    ).rejects.toThrow(NotFoundError);
  });

  it('province: anywhere in the stack', async () => {
    await expect(
      assertScope(access, user(['auditor'], PROVINCE), { agencyCode: COMMUNE }, ancestorsOf),
    ).resolves.toBeUndefined();
  });

  it('denies with 403 unless the route hides existence', async () => {
    const forbidding: Access = { roles: { clerk: 'agency' } };
    await expect(
      assertScope(forbidding, user(['clerk'], DISTRICT), { agencyCode: COMMUNE }, ancestorsOf),
    ).rejects.toThrow(ForbiddenError);
  });
});

describe('claims', () => {
  it('reads roles from cognito:groups (ignoring unknown groups) and the agency from custom:agency_code', () => {
    const principal = principalFromClaims({
      sub: 's',
      'cognito:username': 'clerk.vinhyen',
      'cognito:groups': ['clerk', 'superuser'],
      'custom:agency_code': DISTRICT,
    });
    expect(principal).toEqual({
      sub: 's',
      username: 'clerk.vinhyen',
      roles: ['clerk'],
      agencyCode: DISTRICT,
    });
  });
});

describe('verified tokens (a container does not verify the same token twice)', () => {
  const claims = (exp: unknown) => ({ sub: 'u-1', exp, 'cognito:groups': ['clerk'] });
  const principal = principalFromClaims(claims(0));

  it('returns the principal of a token it verified, until the token expires', () => {
    let clock = 1_000_000;
    const cache = new VerifiedTokens(10, () => clock);
    cache.set('a.b.c', claims(1_060), principal); // expires at 1,060,000 ms
    expect(cache.get('a.b.c')).toBe(principal);
    expect(cache.get('a.b.d')).toBeUndefined(); // another signature is another token
    clock = 1_059_999;
    expect(cache.get('a.b.c')).toBe(principal);
    clock = 1_060_000;
    expect(cache.get('a.b.c')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps no token without a numeric exp, and at most its capacity, oldest out first', () => {
    const cache = new VerifiedTokens(2, () => 0);
    cache.set('no-exp', claims(undefined), principal);
    cache.set('text-exp', claims('9999999999'), principal);
    expect(cache.size).toBe(0);
    cache.set('t1', claims(10), principal);
    cache.set('t2', claims(10), principal);
    cache.set('t3', claims(10), principal);
    expect(cache.size).toBe(2);
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t3')).toBe(principal);
  });
});
