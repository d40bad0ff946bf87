/** Lambda handler of digital signatures and certificates: thin adapters from routes to shared/signing. */
import { createApiHandler } from '#shared/http/api-handler.ts';
import { ValidationError } from '#shared/http/errors.ts';
import { sealFile, verifySignatures } from '#shared/signing/api-use-cases.ts';
import {
  getCertificate,
  listCertificates,
  listExpiringCertificates,
  registerCertificate,
} from '#shared/signing/certificates.ts';
import { completeSigning, getSigning, prepareSigning } from '#shared/signing/sessions.ts';
import { signatureRoutes } from './routes.ts';

export const handler = createApiHandler(signatureRoutes, {
  async registerCertificate({ body, principal, authorize, change }) {
    await authorize({ ...(principal.agencyCode ? { agencyCode: principal.agencyCode } : {}) });
    const certificate = await registerCertificate(body, { principal, change });
    return {
      status: 201,
      body: certificate,
      version: certificate.version,
      headers: { location: `/v1/certificates/${certificate.id}` },
    };
  },

  async listCertificates({ query, principal, authorize }) {
    const agencyCode = query.agencyCode ?? principal.agencyCode;
    if (!agencyCode) {
      if (query.expiringWithinDays === undefined) {
        throw new ValidationError([
          {
            path: 'query.agencyCode',
            message: 'Give agencyCode, or expiringWithinDays for the whole province',
            code: 'required',
          },
        ]);
      }
      await authorize({});
      return { status: 200, body: { items: await listExpiringCertificates(query.expiringWithinDays) } };
    }
    await authorize({ agencyCode });
    const items = await listCertificates({
      agencyCode,
      kind: query.kind,
      expiringWithinDays: query.expiringWithinDays,
    });
    return { status: 200, body: { items } };
  },

  async getCertificate({ params, authorize }) {
    const certificate = await getCertificate(params.id);
    await authorize({ agencyCode: certificate.agencyCode });
    return { status: 200, body: certificate, version: certificate.version };
  },

  async startSigning({ body, principal, authorize, change }) {
    const session = await prepareSigning(body, { principal, authorize, change });
    return { status: 201, body: session, headers: { location: `/v1/signatures/${session.id}` } };
  },

  async getSigning({ params, principal, authorize }) {
    const session = await getSigning(params.id, principal);
    await authorize({ ownerSub: principal.sub });
    return { status: 200, body: session };
  },

  async completeSigning({ params, body, principal, authorize, change }) {
    await authorize({ ownerSub: principal.sub });
    const completed = await completeSigning(params.id, body, { principal, authorize, change });
    return { status: 200, body: completed };
  },

  async sealFile({ body, principal, authorize, change }) {
    const sealed = await sealFile(body, { principal, authorize, change });
    return { status: 201, body: sealed };
  },

  async verifySignatures({ body, principal, authorize, change }) {
    return { status: 200, body: await verifySignatures(body, { principal, authorize, change }) };
  },
});
