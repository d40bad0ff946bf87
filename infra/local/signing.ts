/**
 * The local test PKI in the local runtime (never deployed): the root and the demo users' personal
 * certificates are made at seed time, and a stand-in for a remote signing service (token, SIM-PKI)
 * signs the data of a two-phase signing session with a demo user's key:
 *
 * - `GET  /local/signing/root` → `{ rootPem, crlPem }` (install the root to check signatures with pdfsig/openssl)
 * - `GET  /local/signing/users/{username}` → `{ certificatePem }` (the user's personal certificate)
 * - `POST /local/signing/sign` `{ username, dataToSign }` (base64) → `{ signatureValue }` (base64)
 */
import * as z from 'zod/mini';
import { ConflictError, HttpProblem } from '#shared/http/errors.ts';
import { registerCertificate } from '#shared/signing/certificates.ts';
import { signingCapability } from '#shared/signing/index.ts';
import type { LocalPki } from '#shared/signing/local-pki.ts';
import { localKey } from '#shared/signing/local-pki.ts';
import type { DemoUser, ProvinceConfig } from '../provinces/province-config.ts';
import { subjectOf } from './issuer.ts';

/** Demo users who sign in person: leaders and specialists of an agency. */
export const signsInPerson = (user: DemoUser): user is DemoUser & { agencyCode: string } =>
  user.agencyCode !== undefined && user.roles.some((role) => role === 'leader' || role === 'specialist');

function pki(): LocalPki {
  const local = signingCapability().localPki;
  if (!local) throw new HttpProblem('not-found', 'The local signing helper needs SIGNING_PROVIDER=local');
  return local;
}

export async function personalCertificateOf(user: DemoUser & { agencyCode: string }) {
  return pki().personal({ username: user.username, fullName: user.fullName, agencyCode: user.agencyCode });
}

/** Makes the root and the demo signers' personal certificates, and registers them (kept when already there). */
export async function seedLocalPki(province: ProvinceConfig): Promise<void> {
  await pki().root();
  for (const user of province.demoUsers.filter(signsInPerson)) {
    const entry = await personalCertificateOf(user);
    try {
      await registerCertificate(
        { certificatePem: entry.certificatePem },
        {
          principal: {
            sub: subjectOf(user.username),
            username: user.username,
            roles: user.roles,
            agencyCode: user.agencyCode,
          },
          change: { actor: { type: 'system', name: 'seed' }, correlationId: `seed-${province.code}` },
        },
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}

const SignRequest = z.strictObject({ username: z.string(), dataToSign: z.base64() });

interface Reply {
  readonly statusCode: number;
  readonly body: unknown;
}

export async function localSigning(
  method: string,
  path: string,
  body: Buffer,
  users: readonly DemoUser[],
): Promise<Reply | undefined> {
  if (!path.startsWith('/local/signing/')) return undefined;
  const findUser = (username: string) => {
    const user = users.find((candidate) => candidate.username === username);
    if (!user || !signsInPerson(user)) {
      throw new HttpProblem('not-found', `No demo user ${username} with a personal certificate`);
    }
    return user;
  };
  if (method === 'GET' && path === '/local/signing/root') {
    const [root, crlPem] = await Promise.all([pki().root(), pki().crlPem()]);
    return { statusCode: 200, body: { rootPem: root.certificatePem, crlPem } };
  }
  const userPath = /^\/local\/signing\/users\/([a-z0-9.-]+)$/.exec(path);
  if (method === 'GET' && userPath) {
    const entry = await personalCertificateOf(findUser(userPath[1]!));
    return { statusCode: 200, body: { certificatePem: entry.certificatePem } };
  }
  if (method === 'POST' && path === '/local/signing/sign') {
    let parsed: z.infer<typeof SignRequest>;
    try {
      parsed = SignRequest.parse(JSON.parse(body.toString('utf8') || '{}'));
    } catch {
      throw new HttpProblem('validation-error', 'Send {"username": "…", "dataToSign": "<base64>"}');
    }
    const entry = await personalCertificateOf(findUser(parsed.username));
    const signature = await localKey(entry, []).sign(Buffer.from(parsed.dataToSign, 'base64'));
    return { statusCode: 200, body: { signatureValue: Buffer.from(signature).toString('base64') } };
  }
  return undefined;
}
