/** HTTP operations of digital signatures and certificates (handlers: ./api.ts, rules: shared/signing). */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { defineRoutes } from '#shared/http/route.ts';
import {
  SealedFile,
  SealFile,
  SignatureReportSchema,
  VerificationReportSchema,
  VerifySignatures,
} from '#shared/signing/api-use-cases.ts';
import { CERTIFICATE_KINDS, CertificateRecord, RegisterCertificate } from '#shared/signing/certificates.ts';
import { CompleteSigning, SigningSession, StartSigning } from '#shared/signing/sessions.ts';

const idParam = z.strictObject({ id: z.uuid() });
const certificateTags = ['Certificates'];
const signatureTags = ['Signatures'];
/** People who sign in person with a personal certificate. */
const signers = { leader: 'agency', specialist: 'agency' } as const;
const ownSessions = { roles: { leader: 'owner', specialist: 'owner' }, deny: 'not-found' } as const;

const CompletedSigning = z
  .object({
    ...SigningSession.shape,
    signedFileId: z.uuid(),
    signature: SignatureReportSchema,
  })
  .register(z.globalRegistry, { id: 'CompletedSigning' });

export const signatureRoutes = defineRoutes({
  registerCertificate: {
    method: 'POST',
    path: '/v1/certificates',
    summary: 'Register a signing certificate (personal, or the agency’s organization certificate)',
    description:
      'Checks that the certificate chains to a trusted root of the province (give intermediates in ' +
      '`chainPem`), is valid now, may sign (digitalSignature or nonRepudiation, not a CA) and is not revoked ' +
      '(`crlPem`, or the province’s CRLs). Staff register their own personal certificates; agency ' +
      'administrators register organization (seal) certificates. 409 when already registered.',
    tags: certificateTags,
    access: { roles: { clerk: 'agency', specialist: 'agency', leader: 'agency', 'agency-admin': 'agency' } },
    request: { body: RegisterCertificate },
    responses: { 201: { description: 'Registered', schema: CertificateRecord } },
    idempotent: true,
  },
  listCertificates: {
    method: 'GET',
    path: '/v1/certificates',
    summary: 'List an agency’s certificates, or those expiring soon',
    description:
      'With `agencyCode` (default your own): that agency’s certificates, soonest expiry first. Province ' +
      'administrators and auditors may omit it together with `expiringWithinDays` to list every certificate ' +
      'of the province expiring within that many days.',
    tags: certificateTags,
    access: {
      roles: {
        leader: 'agency',
        'agency-admin': 'agency-tree',
        'province-admin': 'province',
        auditor: 'province',
      },
    },
    request: {
      query: z.strictObject({
        agencyCode: z.optional(agencyCodeSchema),
        kind: z.optional(z.enum(CERTIFICATE_KINDS)),
        expiringWithinDays: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(3650))),
      }),
    },
    responses: {
      200: { description: 'Certificates', schema: z.object({ items: z.array(CertificateRecord) }) },
    },
  },
  getCertificate: {
    method: 'GET',
    path: '/v1/certificates/{id}',
    summary: 'Get a registered certificate',
    tags: certificateTags,
    access: {
      roles: {
        clerk: 'agency',
        specialist: 'agency',
        leader: 'agency-tree',
        'agency-admin': 'agency-tree',
        'province-admin': 'province',
        auditor: 'province',
      },
      deny: 'not-found',
    },
    request: { params: idParam },
    responses: { 200: { description: 'The certificate', schema: CertificateRecord } },
  },
  startSigning: {
    method: 'POST',
    path: '/v1/signatures',
    summary: 'Start a two-phase personal signature on a PDF: get the data to sign',
    description:
      'Adds a signature field (and with `stamp` a visible stamp: signer, agency, time) to the PDF as an ' +
      'incremental update and answers `dataToSign` (DER CMS signed attributes, base64; sign with SHA-256 ' +
      'on your token, SIM-PKI or remote signing service), its digest, and the document digest. Complete ' +
      'with POST /v1/signatures/{id}/complete before `expiresAt` (15 minutes).',
    tags: signatureTags,
    access: { roles: signers },
    request: { body: StartSigning },
    responses: { 201: { description: 'The session and its data to sign', schema: SigningSession } },
    idempotent: true,
  },
  getSigning: {
    method: 'GET',
    path: '/v1/signatures/{id}',
    summary: 'Get your signing session',
    tags: signatureTags,
    access: ownSessions,
    request: { params: idParam },
    responses: { 200: { description: 'The session', schema: SigningSession } },
  },
  completeSigning: {
    method: 'POST',
    path: '/v1/signatures/{id}/complete',
    summary: 'Complete a two-phase signature: embed the signature and store the signed PDF',
    description:
      'Send `signatureValue` (over `dataToSign`) or a whole `cms` made by your device. It must be made with ' +
      'the session’s certificate over this session’s data (400 `signature-mismatch` otherwise). The signed ' +
      'PDF becomes a new file (`signedFileId`). 409 when the session expired (`session-expired`) or was completed.',
    tags: signatureTags,
    access: ownSessions,
    request: { params: idParam, body: CompleteSigning },
    responses: { 200: { description: 'Signed; the signed PDF is `signedFileId`', schema: CompletedSigning } },
  },
  sealFile: {
    method: 'POST',
    path: '/v1/signatures/seal',
    summary: 'Apply the agency seal to a stored file',
    description:
      'PDFs get a PAdES-B signature of the agency’s organization certificate as an incremental update ' +
      '(earlier signatures stay valid); other files get a detached CMS (.p7s). The result is a new file.',
    tags: signatureTags,
    access: { roles: { leader: 'agency', 'agency-admin': 'agency' } },
    request: { body: SealFile },
    responses: { 201: { description: 'Sealed', schema: SealedFile } },
    idempotent: true,
  },
  verifySignatures: {
    method: 'POST',
    path: '/v1/signatures/verify',
    summary: 'Verify the signatures of a PDF, or a detached signature',
    description:
      'A report per signature (signer, signing time, integrity, chain to a trusted root, validity at signing ' +
      'time, revocation) and an overall TOTAL_PASSED | TOTAL_FAILED | INDETERMINATE (ETSI EN 319 102-1).',
    tags: signatureTags,
    access: {
      roles: {
        citizen: 'owner',
        clerk: 'agency-tree',
        specialist: 'agency-tree',
        leader: 'agency-tree',
        'agency-admin': 'agency-tree',
        integration: 'agency-tree',
        'province-admin': 'province',
        auditor: 'province',
      },
      deny: 'not-found',
    },
    request: { body: VerifySignatures },
    responses: { 200: { description: 'The verification report', schema: VerificationReportSchema } },
  },
});
