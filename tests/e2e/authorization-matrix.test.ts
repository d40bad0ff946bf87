/**
 * The authorization matrix, generated from the route table. For every non-public route, against a
 * real resource of the route's kind (tests/support/access-fixtures.ts), every caller:
 *   no token, an expired token, a forged token                     → 401;
 *   every role the route does not admit                             → 403;
 *   every admitted role at the resource's own agency, at its parent
 *   agency and at a sibling agency; the citizen who owns it and
 *   another citizen                                                 → what the role's declared scope
 *                                                                     says: admitted, or denied with
 *                                                                     403 (404 where the route hides
 *                                                                     existence: `deny: 'not-found'`).
 * Zero leaks: no refused call writes anything (the audit chains of the three agencies do not move),
 * and an admitted call is never answered as a denial. Public routes never ask for a token.
 * A route is covered as soon as it exists; a route of a resource kind without a fixture fails here.
 */

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CryptoKey, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { allRoutes } from '#functions/routes.ts';
import { LOCAL_AUDIENCE } from '#infra/local/issuer.ts';
import vinhPhuc from '#infra/provinces/vinh-phuc.ts';
import { auditHeadKey } from '#shared/audit/keys.ts';
import { isPublic, ROLES, type Role, type RouteSpec, type Scope } from '#shared/http/route.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';
import {
  type Agencies,
  accessFixtures,
  type Caller,
  type FixtureContext,
  matrixAgencies,
  plainTarget,
  resourceKindOf,
  type Target,
  withQuery,
} from '#tests/support/access-fixtures.ts';
import { baseUrl, type CallResult, call } from '#tests/support/http.ts';

/** Sample values of path parameters for the public routes (they take no resource). */
const PUBLIC_PARAM_VALUES: Record<string, () => string> = {
  code: () => '000.00.21.H62-260101-0001',
  file: () => 'init.js',
  gateway: () => 'vnpay',
  date: () => '2026-11-21',
};

/** How the authorization layer words its 403s (shared/http/auth.ts); other 403s are business rules. */
const AUTHORIZATION_DENIALS = ['This operation needs one of the roles', 'This resource belongs to another'];

let realKey: CryptoKey;
/** A key the issuer never published: tokens it signs are forged. */
let forgedKey: Promise<CryptoKey> | undefined;
const forgedSigningKey = (): Promise<CryptoKey> => {
  forgedKey ??= generateKeyPair('RS256').then((pair) => pair.privateKey);
  return forgedKey;
};
let kid: string;
const tokens = new Map<string, Promise<string>>();

function mint(
  claims: Record<string, unknown>,
  kind: 'valid' | 'expired' | 'forged' = 'valid',
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return (async () =>
    new SignJWT({ token_use: 'id', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(`${baseUrl()}/local`)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(String(claims.sub ?? 'matrix'))
      .setIssuedAt(now - 7200)
      .setExpirationTime(kind === 'expired' ? now - 3600 : now + 3600)
      .sign(kind === 'forged' ? await forgedSigningKey() : realKey))();
}

const citizenSubs = { owner: `matrix-owner-${randomUUID()}`, other: `matrix-other-${randomUUID()}` };

/** A token for a matrix caller, with the claims Cognito gives such a user. */
function tokenOf(caller: Caller, agencies: Agencies): Promise<string> {
  const key = caller.kind === 'citizen' ? caller.who : `${caller.role}@${agencies[caller.agency]}`;
  let token = tokens.get(key);
  if (!token) {
    token =
      caller.kind === 'citizen'
        ? mint({ sub: citizenSubs[caller.who], 'cognito:username': key, 'cognito:groups': ['citizen'] })
        : mint({
            sub: `matrix-${key}`,
            'cognito:username': `matrix-${key}`,
            'cognito:groups': [caller.role],
            'custom:agency_code': agencies[caller.agency],
          });
    tokens.set(key, token);
  }
  return token;
}

const send = async (token: string | undefined, method: string, target: Pick<Target, 'path' | 'body'>) =>
  call(method, target.path, {
    ...(token ? { token } : {}),
    ...(target.body !== undefined ? { body: target.body } : {}),
  });

/** Each route gets agencies of its own, so routes run concurrently without touching each other's chains. */
const contextFor = (agencies: Agencies): FixtureContext => ({
  agencies,
  as: async (caller, method, path, body) => send(await tokenOf(caller, agencies), method, { path, body }),
  admin: (method, path, body) => call(method, path, { as: 'admin.province', ...(body ? { body } : {}) }),
});

beforeAll(async () => {
  realKey = await importPKCS8(await readFile(inject('issuerKeyFile'), 'utf8'), 'RS256');
  const jwks = (await (await fetch(`${baseUrl()}/local/.well-known/jwks.json`)).json()) as {
    keys: { kid: string }[];
  };
  kid = jwks.keys[0]!.kid;
});

type Expected = 'admitted' | 401 | 403 | 404;

/** The outcome the route's declared access gives this caller on a resource of `target`. */
function expectedOutcome(route: RouteSpec, caller: Caller, target: Target): Expected {
  if (isPublic(route.access)) return 'admitted';
  const role: Role = caller.kind === 'citizen' ? 'citizen' : (caller.role as Role);
  const scope: Scope | undefined = route.access.roles[role];
  if (!scope) return 403;
  const allowed = ((): boolean => {
    switch (scope) {
      case 'any':
      case 'province':
        return true;
      case 'owner':
        return caller.kind === 'citizen' && (target.owner === 'caller' || caller.who === 'owner');
      // A resource of the caller's own agency by construction (a certificate registered for the
      // caller's agency: the request names no agency) is every staff caller's own.
      case 'agency':
        return caller.kind === 'staff' && (target.callersAgency === true || caller.agency === 'own');
      case 'agency-tree':
        return (
          caller.kind === 'staff' &&
          (target.callersAgency === true || caller.agency === 'own' || caller.agency === 'parent')
        );
    }
  })();
  if (allowed) return 'admitted';
  return route.access.deny === 'not-found' ? 404 : 403;
}

/** Callers of a route: non-admitted roles once (their agency does not matter), admitted ones at each place. */
function callersOf(route: RouteSpec): Caller[] {
  if (isPublic(route.access)) return [];
  const admitted = route.access.roles;
  const callers: Caller[] = [];
  for (const role of ROLES) {
    if (role === 'citizen') {
      callers.push({ kind: 'citizen', who: 'owner' });
      if (admitted.citizen) callers.push({ kind: 'citizen', who: 'other' });
      continue;
    }
    for (const agency of admitted[role] ? (['own', 'parent', 'other'] as const) : (['own'] as const)) {
      callers.push({ kind: 'staff', role, agency });
    }
  }
  return callers;
}

const describeCaller = (caller: Caller) =>
  caller.kind === 'citizen' ? `${caller.who} citizen` : `${caller.role} of the ${caller.agency} agency`;

async function chainHeads(of: Agencies): Promise<(number | undefined)[]> {
  return Promise.all(
    [of.own, of.parent, of.other].map(async (chain) => {
      const { Item } = await ddb().send(
        new GetCommand({ TableName: tableName(), Key: auditHeadKey(chain), ConsistentRead: true }),
      );
      return Item?.seq as number | undefined;
    }),
  );
}

function assertAdmitted(response: CallResult, what: string): void {
  const detail = String((response.body as { detail?: unknown } | undefined)?.detail ?? '');
  expect(response.status, `${what}: ${response.text}`).toBeLessThan(500);
  expect([401, 404], `${what}: ${response.text}`).not.toContain(response.status);
  if (response.status === 403) {
    expect(
      AUTHORIZATION_DENIALS.some((denial) => detail.startsWith(denial)),
      `${what} was denied by the authorization layer: ${detail}`,
    ).toBe(false);
  }
}

const protectedRoutes = allRoutes.filter((entry) => !isPublic(entry.route.access));
const publicRoutes = allRoutes.filter((entry) => isPublic(entry.route.access));

describe('authorization matrix', () => {
  it('has a demo user for every role', () => {
    for (const role of ROLES) {
      expect(
        vinhPhuc.demoUsers.find((user) => user.roles.length === 1 && user.roles[0] === role),
        role,
      ).toBeDefined();
    }
  });

  it('has an access fixture for the resource kind of every route', () => {
    const missing = allRoutes
      .filter((entry) => !isPublic(entry.route.access))
      .map((entry) => [entry.operationId, resourceKindOf(entry.route)] as const)
      .filter(([, kind]) => kind !== undefined && !accessFixtures[kind]);
    expect(
      missing.map(
        ([operationId, kind]) =>
          `${operationId}: add a fixture for "${kind}" to tests/support/access-fixtures.ts`,
      ),
    ).toEqual([]);
  });

  it.concurrent.each(protectedRoutes.map((entry) => [entry.operationId, entry] as const))(
    '%s: every token, role and scope column',
    async (operationId, { route }) => {
      const context = contextFor(await matrixAgencies());
      const { agencies } = context;
      const kind = resourceKindOf(route);
      const fixture = kind === undefined ? undefined : accessFixtures[kind];
      if (kind !== undefined && !fixture) {
        throw new Error(
          `${operationId}: no access fixture for "${kind}" in tests/support/access-fixtures.ts`,
        );
      }
      const make = async (): Promise<Target> => {
        const target = fixture ? await fixture.create(context, route) : plainTarget(route);
        return { ...target, path: withQuery(route, target.path) };
      };
      const shared = await make();
      const around = shared.agencies ?? agencies;
      const label = (caller: string) => `${route.method} ${shared.path} as ${caller}`;

      // Refused calls first, on one resource: none of them may write anything. Consumers of the
      // fixture's events (which may write to these chains) finish first.
      await fetch(`${baseUrl()}/local/events/drain`, { method: 'POST' });
      const before = await chainHeads(around);
      for (const kind of ['expired', 'forged'] as const) {
        const token = await mint(
          { sub: 'matrix', 'cognito:groups': [...ROLES], 'custom:agency_code': around.own },
          kind,
        );
        expect((await send(token, route.method, shared)).status, label(`a ${kind} token`)).toBe(401);
      }
      expect((await send(undefined, route.method, shared)).status, label('no token')).toBe(401);
      const callers = callersOf(route);
      const admitted: Caller[] = [];
      for (const caller of callers) {
        const expected = expectedOutcome(route, caller, shared);
        if (expected === 'admitted') {
          admitted.push(caller);
          continue;
        }
        const response = await send(await tokenOf(caller, around), route.method, shared);
        expect(response.status, `${label(describeCaller(caller))}: ${response.text}`).toBe(expected);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
      expect(await chainHeads(around), `${operationId}: a refused call wrote an audit record`).toEqual(
        before,
      );

      // Admitted calls: each on a resource of its own when the call may change it.
      for (const caller of admitted) {
        const target = route.method === 'GET' || caller === admitted[0] ? shared : await make();
        const response = await send(await tokenOf(caller, target.agencies ?? agencies), route.method, target);
        assertAdmitted(response, label(describeCaller(caller)));
      }
    },
  );

  it.each(publicRoutes.map((entry) => [entry.operationId, entry] as const))(
    '%s: public, asks for no token',
    async (_id, { route }) => {
      const path = route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
        const value = PUBLIC_PARAM_VALUES[name];
        if (!value) throw new Error(`Add a sample value for public path parameter "${name}" to the matrix`);
        return value();
      });
      const response = await call(route.method, path);
      expect([401, 403]).not.toContain(response.status);
      expect(response.status).toBeLessThan(500);
    },
  );
});
