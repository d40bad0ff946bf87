/**
 * Two-phase personal signing (ký số từ xa: USB token, SIM-PKI, a remote signing service), as EU DSS
 * does it (getDataToSign → sign → signDocument):
 *
 * 1. `prepareSigning`: the server adds the signature field (and an optional visible stamp) to the PDF
 *    as an incremental update, computes the ByteRange digest and the CMS signed attributes for the
 *    caller's registered personal certificate, and keeps the prepared PDF for SESSION_TTL_SECONDS.
 *    It answers `dataToSign` (the DER signed attributes; sign it with SHA-256) and its digest, plus the
 *    document digest for devices that build the CMS themselves.
 * 2. `completeSigning`: the client sends either the raw `signatureValue` over `dataToSign`, or a whole
 *    CMS (`cms`) made by the device. The server checks it against the session's certificate and digest
 *    (a signature from another key is refused), embeds the CMS, verifies the result, stores the signed
 *    PDF as a new file and emits SignatureCompleted.
 *
 * Sessions are items with a TTL; an expired one is refused with 409 (`code: session-expired`).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { SIGNATURE_PURPOSES, SignatureCompletedV1 } from '#events/signatures/signature-events.v1.ts';
import { accessTargetOf } from '../files/file.ts';
import type { AccessTarget, Principal } from '../http/auth.ts';
import { ConflictError, HttpProblem, NotFoundError } from '../http/errors.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange } from '../platform/change.ts';
import { now } from '../platform/clock.ts';
import { tableName } from '../platform/table.ts';
import type { SignatureReport } from './capability.ts';
import { type CertificateRecord, getCertificate, personalCertificateFor } from './certificates.ts';
import {
  algorithmOf,
  assembleSignedData,
  buildSignedAttributes,
  CmsError,
  certificateDer,
  sha256,
} from './cms.ts';
import { checkIntegrity, parseSignedData, signatureMatches } from './cms-verify.ts';
import {
  readConfirmedFile,
  readObject,
  removeObject,
  signedFileName,
  storeSignedFile,
  writeObject,
} from './file-store.ts';
import { signingCapability } from './index.ts';
import { ENTITY_SIGNING_SESSION, sessionKey, sessionObjectKey } from './keys.ts';
import { embedCms, PdfSignatureError, preparePdf, rangeParts } from './pades.ts';

export const SESSION_TTL_SECONDS = 15 * 60;

const base64 = z.base64();

export const StartSigning = z
  .strictObject({
    /** A confirmed PDF file (GET /v1/files/{id}). */
    fileId: z.uuid(),
    /** Your personal certificate (GET /v1/certificates); default your latest valid one. */
    certificateId: z.optional(z.uuid()),
    reason: z.string().check(z.minLength(1), z.maxLength(200)),
    location: z.optional(z.string().check(z.maxLength(200))),
    /** What is signed, for the statistics (default outgoing-document). */
    purpose: z.optional(z.enum(SIGNATURE_PURPOSES)),
    /** A visible stamp (signer, agency, time) on the last page, or on `page` at `rect` [x, y, w, h] points. */
    stamp: z.optional(
      z.strictObject({
        page: z.optional(z.number().check(z.int(), z.minimum(0))),
        rect: z.optional(z.tuple([z.number(), z.number(), z.number(), z.number()])),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'StartSigning' });
export type StartSigning = z.infer<typeof StartSigning>;

export const CompleteSigning = z
  .strictObject({
    /** The signature over `dataToSign` (base64): PKCS#1 v1.5 for RSA, DER for ECDSA. */
    signatureValue: z.optional(base64),
    /** Or a CMS SignedData made by the device (base64 DER) whose messageDigest is `documentDigest`. */
    cms: z.optional(base64),
  })
  .register(z.globalRegistry, { id: 'CompleteSigning' });
export type CompleteSigning = z.infer<typeof CompleteSigning>;

export const SigningSession = z
  .object({
    id: z.uuid(),
    status: z.enum(['prepared', 'completed']),
    fileId: z.uuid(),
    agencyCode: z.string(),
    certificateId: z.uuid(),
    purpose: z.enum(SIGNATURE_PURPOSES),
    /** What the signer signs: the DER CMS signed attributes (base64); hash with SHA-256. */
    dataToSign: z.string(),
    /** SHA-256 of dataToSign (base64), for devices that sign a digest. */
    dataToSignDigest: z.string(),
    /** SHA-256 of the PDF's ByteRange (base64): the messageDigest of a device-made CMS. */
    documentDigest: z.string(),
    digestAlgorithm: z.literal('SHA-256'),
    signatureAlgorithm: z.enum(['RSASSA_PKCS1_V1_5_SHA_256', 'ECDSA_SHA_256']),
    expiresAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    signedFileId: z.optional(z.uuid()),
    completedAt: z.optional(z.iso.datetime()),
  })
  .register(z.globalRegistry, { id: 'SigningSession', description: 'A two-phase signing session' });
export type SigningSession = z.infer<typeof SigningSession>;

interface StoredSession extends SigningSession {
  readonly ownerSub: string;
  readonly byteRange: readonly number[];
  readonly objectKey: string;
  readonly version: number;
}

export interface Caller {
  readonly principal: Principal;
  readonly authorize: (target: AccessTarget) => Promise<void>;
  readonly change: ChangeContext;
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** hh:mm dd/mm/yyyy in Vietnam time (UTC+7). */
function vietnamTime(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000).toISOString();
  return `${local.slice(11, 16)} ${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} (GMT+7)`;
}

const publicView = (session: StoredSession): SigningSession => {
  const { ownerSub: _owner, byteRange: _range, objectKey: _key, version: _version, ...view } = session;
  return view;
};

function badSignature(detail: string, code: string): HttpProblem {
  return new HttpProblem('validation-error', detail, {
    extensions: { errors: [{ path: 'body', message: detail, code }] },
  });
}

export async function prepareSigning(input: StartSigning, caller: Caller): Promise<SigningSession> {
  const { stored, bytes } = await readConfirmedFile(input.fileId);
  await caller.authorize(accessTargetOf(stored.file));
  if (stored.file.contentType !== 'application/pdf') {
    throw badSignature('Two-phase signing signs PDF files (PAdES)', 'not-pdf');
  }
  const certificate = await personalCertificateFor(caller.principal, input.certificateId);
  const der = certificateDer(certificate.certificatePem);
  const at = now();
  let prepared: Awaited<ReturnType<typeof preparePdf>>;
  try {
    prepared = await preparePdf(bytes, {
      reason: input.reason,
      ...(input.location ? { location: input.location } : {}),
      name: certificate.subject.commonName,
      signingTime: at,
      ...(input.stamp
        ? {
            stamp: {
              lines: [
                `Ký bởi: ${certificate.subject.commonName}`,
                ...(certificate.subject.organization ? [`Cơ quan: ${certificate.subject.organization}`] : []),
                `Thời gian ký: ${vietnamTime(at)}`,
              ],
              ...(input.stamp.page !== undefined ? { page: input.stamp.page } : {}),
              ...(input.stamp.rect ? { rect: input.stamp.rect } : {}),
            },
          }
        : {}),
    });
  } catch (error) {
    if (error instanceof PdfSignatureError) throw badSignature(error.message, 'unsignable-pdf');
    throw error;
  }
  const signedAttributes = buildSignedAttributes({ messageDigest: prepared.digest, certificate: der });
  const id = randomUUID();
  const objectKey = sessionObjectKey(stored.file.agencyCode, id);
  await writeObject(objectKey, prepared.pdf, 'application/pdf');
  const expiresAt = new Date(at.getTime() + SESSION_TTL_SECONDS * 1000);
  const session: StoredSession = {
    id,
    status: 'prepared',
    fileId: stored.file.id,
    agencyCode: stored.file.agencyCode,
    certificateId: certificate.id,
    purpose: input.purpose ?? 'outgoing-document',
    dataToSign: toBase64(signedAttributes),
    dataToSignDigest: toBase64(sha256(signedAttributes)),
    documentDigest: toBase64(prepared.digest),
    digestAlgorithm: 'SHA-256',
    signatureAlgorithm: algorithmOf(der),
    expiresAt: expiresAt.toISOString(),
    createdAt: at.toISOString(),
    ownerSub: caller.principal.sub,
    byteRange: prepared.byteRange,
    objectKey,
    version: 1,
  };
  await commitChange({
    context: caller.change,
    agencyCode: stored.file.agencyCode,
    action: 'signature.prepared',
    entity: { type: ENTITY_SIGNING_SESSION, id },
    after: publicView(session),
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: {
              ...sessionKey(id),
              entityType: ENTITY_SIGNING_SESSION,
              ...session,
              // Kept a day past expiry so a late completion gets "expired", not "not found".
              expiresAt: Math.floor(expiresAt.getTime() / 1000) + 86_400,
              expiresAtIso: session.expiresAt,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      },
    ],
  });
  return publicView(session);
}

async function loadSession(id: string, principal: Principal): Promise<StoredSession> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: sessionKey(id), ConsistentRead: true }),
  );
  // Sessions are personal: another user's session does not exist for the caller.
  if (!Item || Item.ownerSub !== principal.sub)
    throw new NotFoundError(`Signing session ${id} does not exist`);
  return { ...(Item as StoredSession), expiresAt: Item.expiresAtIso as string };
}

export async function getSigning(id: string, principal: Principal): Promise<SigningSession> {
  return publicView(await loadSession(id, principal));
}

export interface CompletedSigning extends SigningSession {
  readonly signedFileId: string;
  readonly signature: SignatureReport;
}

export async function completeSigning(
  id: string,
  input: CompleteSigning,
  caller: Caller,
): Promise<CompletedSigning> {
  const session = await loadSession(id, caller.principal);
  if (session.status === 'completed') {
    throw new ConflictError('The session is already completed', {
      code: 'session-completed',
      signedFileId: session.signedFileId,
    });
  }
  const at = now();
  if (at.toISOString() > session.expiresAt) {
    throw new ConflictError('The signing session expired; start a new one with POST /v1/signatures', {
      code: 'session-expired',
      expiredAt: session.expiresAt,
    });
  }
  if ((input.signatureValue === undefined) === (input.cms === undefined)) {
    throw badSignature('Send either signatureValue or cms', 'one-of');
  }
  const certificate: CertificateRecord = await getCertificate(session.certificateId);
  const der = certificateDer(certificate.certificatePem);
  const prepared = await readObject(session.objectKey);
  const signedAttributes = fromBase64(session.dataToSign);
  let cms: Uint8Array;
  if (input.signatureValue !== undefined) {
    const signatureValue = fromBase64(input.signatureValue);
    if (!signatureMatches(der, signedAttributes, signatureValue)) {
      throw badSignature(
        'The signature does not match the session’s certificate and data to sign (another key, or other data)',
        'signature-mismatch',
      );
    }
    cms = assembleSignedData({
      signedAttributes,
      signatureValue,
      certificates: [der, ...certificate.chainPem.map(certificateDer)],
    });
  } else {
    cms = fromBase64(input.cms!);
    let parsed: ReturnType<typeof parseSignedData>;
    try {
      parsed = parseSignedData(cms);
    } catch (error) {
      if (error instanceof CmsError) throw badSignature(error.message, 'invalid-cms');
      throw error;
    }
    if (!Buffer.from(parsed.signer).equals(Buffer.from(der))) {
      throw badSignature(
        'The CMS is signed with another certificate than the session’s',
        'certificate-mismatch',
      );
    }
    if (!checkIntegrity(parsed, Buffer.concat(rangeParts(prepared, session.byteRange)))) {
      throw badSignature(
        'The CMS does not sign this document’s digest with its certificate',
        'signature-mismatch',
      );
    }
  }
  let signed: Uint8Array;
  try {
    signed = embedCms(prepared, session.byteRange, cms);
  } catch (error) {
    if (error instanceof PdfSignatureError) throw badSignature(error.message, 'cms-too-large');
    throw error;
  }
  const report = await signingCapability().verifyPdf(signed);
  const signature = report.signatures.find((candidate) => candidate.coversWholeDocument);
  if (!signature || signature.indication === 'TOTAL_FAILED') {
    throw badSignature('The signed document does not verify', 'verification-failed');
  }
  const { stored } = await readConfirmedFile(session.fileId);
  const { file, write } = await storeSignedFile({
    source: stored.file,
    bytes: signed,
    contentType: 'application/pdf',
    fileName: signedFileName(stored.file.fileName),
    ownerSub: caller.principal.sub,
    at,
  });
  const completed: StoredSession = {
    ...session,
    status: 'completed',
    signedFileId: file.id,
    completedAt: at.toISOString(),
    version: session.version + 1,
  };
  await commitChange({
    context: caller.change,
    agencyCode: session.agencyCode,
    action: 'signature.completed',
    entity: { type: ENTITY_SIGNING_SESSION, id },
    before: publicView(session),
    after: publicView(completed),
    writes: [
      write,
      {
        item: {
          Update: {
            TableName: tableName(),
            Key: sessionKey(id),
            UpdateExpression:
              'SET #status = :completed, signedFileId = :file, completedAt = :at, version = :next',
            ConditionExpression: '#status = :prepared AND version = :version',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':completed': 'completed',
              ':prepared': 'prepared',
              ':file': file.id,
              ':at': completed.completedAt,
              ':next': completed.version,
              ':version': session.version,
            },
          },
        },
        onConditionFailed: () =>
          new ConflictError('The session was completed meanwhile', { code: 'session-completed' }),
      },
    ],
    events: [
      {
        contract: SignatureCompletedV1,
        data: {
          signature: {
            id,
            kind: 'personal',
            purpose: session.purpose,
            agencyCode: session.agencyCode,
            fileId: session.fileId,
            signedFileId: file.id,
            format: 'pades',
            certificateSerialNumber: certificate.serialNumber,
            signedAt: completed.completedAt!,
          },
        },
        recipients: [session.agencyCode],
      },
    ],
  });
  await removeObject(session.objectKey).catch(() => undefined);
  return { ...publicView(completed), signedFileId: file.id, signature };
}
