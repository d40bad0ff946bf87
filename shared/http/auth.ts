/**
 * Authentication (bearer JWT) and authorization (role + scope) for every route.
 *
 * Tokens are verified with aws-jwt-verify in both environments: in AWS against the province's
 * Cognito user pool (ID tokens, `cognito:groups` = roles, `custom:agency_code` = agency); locally
 * against the local issuer's JWKS, which mints tokens with the same claims (infra/local/issuer.ts).
 * API Gateway's JWT authorizer verifies the token too; the handler verifies again so the same
 * rules hold locally and behind any front door.
 */
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { FetchError, JwtBaseError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { ENV, optionalEnv, requireEnv } from '../platform/env.ts';
import { ForbiddenError, NotFoundError, ServiceUnavailableError, UnauthorizedError } from './errors.ts';
import { type Access, isPublic, ROLES, type Role, type Scope } from './route.ts';

export interface Principal {
  /** Stable subject id of the user or machine client. */
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly Role[];
  /** Agency the user works for (electronic identifier code); absent for citizens. */
  readonly agencyCode?: string;
}

type Claims = Record<string, unknown>;
interface TokenVerifier {
  verify(token: string): Promise<Claims>;
}

let verifier: TokenVerifier | undefined;

function createVerifier(): TokenVerifier {
  const mode = optionalEnv(ENV.authMode) ?? 'cognito';
  if (mode === 'local') {
    // The local issuer serves its JWKS over plain HTTP on loopback; aws-jwt-verify's default fetcher
    // insists on HTTPS, so local mode fetches with the platform's fetch. Verification is unchanged.
    const jwksCache = new SimpleJwksCache({
      fetcher: {
        fetch: async (uri) => (await fetch(uri, { signal: AbortSignal.timeout(3000) })).arrayBuffer(),
      },
    });
    const jwtVerifier = JwtRsaVerifier.create(
      {
        issuer: requireEnv(ENV.jwtIssuer),
        audience: requireEnv(ENV.jwtAudience),
        jwksUri: requireEnv(ENV.jwksUri),
      },
      { jwksCache },
    );
    return { verify: (token) => jwtVerifier.verify(token) as Promise<Claims> };
  }
  const cognitoVerifier = CognitoJwtVerifier.create({
    userPoolId: requireEnv(ENV.cognitoUserPoolId),
    clientId: requireEnv(ENV.cognitoClientId),
    tokenUse: 'id',
  });
  return { verify: (token) => cognitoVerifier.verify(token) as Promise<Claims> };
}

/** Test hook: forget the verifier (and the tokens it verified) after the environment changed. */
export function resetTokenVerifier(): void {
  verifier = undefined;
  verifiedTokens.clear();
}

/**
 * Tokens this container verified, with their principal, until they expire: a front-end sends the
 * same token with every request, and verifying it again (RS256 signature, JSON parsing) was the
 * largest part of what a handler adds to its DynamoDB calls (~85 µs of ~0.3 ms). The key is the
 * whole token, signature included, so a token that differs by one byte is verified afresh; expiry
 * is checked on every use against the clock aws-jwt-verify uses. Bounded: the oldest entry goes first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(
    private readonly capacity = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.clock() >= entry.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /** Remembers a verified token; one without a numeric `exp` is not kept. */
  set(token: string, claims: Claims, principal: Principal): void {
    if (typeof claims.exp !== 'number') return;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { principal, expiresAtMs: claims.exp * 1000 });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const verifiedTokens = new VerifiedTokens();

const KNOWN_ROLES = new Set<string>(ROLES);

export function principalFromClaims(claims: Claims): Principal {
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  const roles = groups.filter((g): g is Role => typeof g === 'string' && KNOWN_ROLES.has(g));
  const agency = claims['custom:agency_code'];
  const username = claims['cognito:username'] ?? claims.username ?? claims.sub;
  return {
    sub: String(claims.sub),
    username: String(username),
    roles,
    ...(typeof agency === 'string' && agency !== '' ? { agencyCode: agency } : {}),
  };
}

/** Verifies the `Authorization: Bearer …` header; every failure is a 401 except an unreachable JWKS (503). */
export async function authenticate(authorization: string | undefined): Promise<Principal> {
  const match = authorization ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim()) : null;
  if (!match?.[1]) throw new UnauthorizedError('A bearer token is required in the Authorization header');
  const token = match[1];
  const known = verifiedTokens.get(token);
  if (known) return known;
  verifier ??= createVerifier();
  try {
    const claims = await verifier.verify(token);
    const principal = principalFromClaims(claims);
    verifiedTokens.set(token, claims, principal);
    return principal;
  } catch (error) {
    if (error instanceof FetchError) throw new ServiceUnavailableError('The token keys could not be fetched');
    if (error instanceof JwtBaseError)
      throw new UnauthorizedError(`The bearer token is not valid: ${error.message}`);
    throw error;
  }
}

/** What a request touches, for the scope check. */
export interface AccessTarget {
  /** The agency the resource belongs to. */
  readonly agencyCode?: string;
  /** Several agencies share the resource (an inter-agency dossier): any of them qualifies. */
  readonly agencyCodes?: readonly string[];
  /** The `sub` of the citizen who owns the resource. */
  readonly ownerSub?: string;
}

/** Looks up an agency's ancestors (root first); undefined when the agency does not exist. */
export type AncestorLookup = (agencyCode: string) => Promise<readonly string[] | undefined>;

/** Roles of the principal that the route admits, with their scope. */
export function admittedScopes(access: Access, principal: Principal): Scope[] {
  if (isPublic(access)) return [];
  return principal.roles.flatMap((role) => {
    const scope = access.roles[role];
    return scope ? [scope] : [];
  });
}

/** Throws 403 when none of the principal's roles is admitted by the route. */
export function assertRoleAdmitted(access: Access, principal: Principal): Scope[] {
  const scopes = admittedScopes(access, principal);
  if (scopes.length === 0) {
    throw new ForbiddenError(`This operation needs one of the roles: ${allowedRoles(access).join(', ')}`);
  }
  return scopes;
}

export function allowedRoles(access: Access): Role[] {
  return isPublic(access) ? [] : (Object.keys(access.roles) as Role[]);
}

/** True when a scope needs the handler to name the resource's agency or owner. */
export const scopeNeedsTarget = (scope: Scope): boolean =>
  scope === 'agency' || scope === 'agency-tree' || scope === 'owner';

async function scopeAllows(
  scope: Scope,
  principal: Principal,
  target: AccessTarget,
  ancestorsOf: AncestorLookup,
): Promise<boolean> {
  const agencies = [...(target.agencyCode ? [target.agencyCode] : []), ...(target.agencyCodes ?? [])];
  switch (scope) {
    case 'any':
    case 'province':
      return true;
    case 'owner':
      return target.ownerSub !== undefined && target.ownerSub === principal.sub;
    case 'agency':
      return principal.agencyCode !== undefined && agencies.includes(principal.agencyCode);
    case 'agency-tree': {
      const own = principal.agencyCode;
      if (own === undefined) return false;
      for (const agency of agencies) {
        if (agency === own || (await ancestorsOf(agency))?.includes(own)) return true;
      }
      return false;
    }
  }
}

/** Checks the target against every admitted scope; denies with 403, or 404 where existence must not leak. */
export async function assertScope(
  access: Access,
  principal: Principal,
  target: AccessTarget,
  ancestorsOf: AncestorLookup,
): Promise<void> {
  for (const scope of admittedScopes(access, principal)) {
    if (await scopeAllows(scope, principal, target, ancestorsOf)) return;
  }
  if (!isPublic(access) && access.deny === 'not-found') throw new NotFoundError();
  throw new ForbiddenError('This resource belongs to another agency or person');
}
