/**
 * Use cases behind /v1/signatures besides the two-phase sessions (./sessions.ts): verifying a PDF or
 * a detached signature, and sealing a stored file with the agency seal.
 */
import * as z from 'zod/mini';
import { SIGNATURE_PURPOSES, SignatureCompletedV1 } from '#events/signatures/signature-events.v1.ts';
import { accessTargetOf } from '../files/file.ts';
import { HttpProblem } from '../http/errors.ts';
import { commitChange } from '../platform/change.ts';
import { now } from '../platform/clock.ts';
import type { VerificationReport } from './capability.ts';
import { certificateDer } from './cms.ts';
import { readConfirmedFile, signedFileName, storeSignedFile } from './file-store.ts';
import { signingCapability } from './index.ts';
import { PdfSignatureError } from './pades.ts';
import type { Caller } from './sessions.ts';
import { signerOf } from './subject.ts';

const base64 = z.base64();

export const VerifySignatures = z
  .strictObject({
    /** A stored file: a signed PDF, or the content a detached signature signs. */
    fileId: z.optional(z.uuid()),
    /** A stored detached CMS signature (.p7s) over `fileId`. */
    signatureFileId: z.optional(z.uuid()),
    /** Inline alternatives (base64; the request is at most 1 MB): a PDF, or content + detached CMS. */
    pdf: z.optional(base64),
    content: z.optional(base64),
    signature: z.optional(base64),
  })
  .register(z.globalRegistry, { id: 'VerifySignatures' });
export type VerifySignatures = z.infer<typeof VerifySignatures>;

const Signer = z.object({
  commonName: z.string(),
  organization: z.optional(z.string()),
  serialNumber: z.string(),
  kind: z.enum(['personal', 'organization']),
});
const Indication = z.enum(['TOTAL_PASSED', 'TOTAL_FAILED', 'INDETERMINATE']);
export const SignatureReportSchema = z
  .object({
    signer: Signer,
    signingTime: z.optional(z.string()),
    integrity: z.boolean(),
    chainTrusted: z.boolean(),
    validAtSigningTime: z.boolean(),
    revocation: z.enum(['good', 'revoked', 'unknown']),
    indication: Indication,
    coversWholeDocument: z.optional(z.boolean()),
    signedRevisionLength: z.optional(z.number()),
  })
  .register(z.globalRegistry, {
    id: 'SignatureReport',
    description: 'One signature’s verdict (ETSI EN 319 102-1)',
  });
export const VerificationReportSchema = z
  .object({ indication: Indication, signatures: z.array(SignatureReportSchema) })
  .register(z.globalRegistry, { id: 'VerificationReport' });

const invalid = (detail: string) =>
  new HttpProblem('validation-error', detail, {
    extensions: { errors: [{ path: 'body', message: detail, code: 'verify-input' }] },
  });

export async function verifySignatures(input: VerifySignatures, caller: Caller): Promise<VerificationReport> {
  const signing = signingCapability();
  const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
  if (input.fileId) {
    if (input.pdf || input.content) throw invalid('Send a fileId or inline bytes, not both');
    const { stored, bytes } = await readConfirmedFile(input.fileId);
    await caller.authorize(accessTargetOf(stored.file));
    let signature: Uint8Array | undefined = input.signature ? fromBase64(input.signature) : undefined;
    if (input.signatureFileId) {
      const detached = await readConfirmedFile(input.signatureFileId);
      await caller.authorize(accessTargetOf(detached.stored.file));
      signature = detached.bytes;
    }
    if (signature) return signing.verifyDetached(bytes, signature);
    if (stored.file.contentType !== 'application/pdf') {
      throw invalid('A file other than a PDF needs its detached signature (signatureFileId or signature)');
    }
    return signing.verifyPdf(bytes);
  }
  // Inline bytes are the caller's own material: no stored resource to scope.
  await caller.authorize({
    ownerSub: caller.principal.sub,
    ...(caller.principal.agencyCode ? { agencyCode: caller.principal.agencyCode } : {}),
  });
  if (input.pdf) {
    if (input.content || input.signature) throw invalid('Send a pdf, or content with signature, not both');
    return signing.verifyPdf(fromBase64(input.pdf));
  }
  if (input.content && input.signature) {
    return signing.verifyDetached(fromBase64(input.content), fromBase64(input.signature));
  }
  throw invalid(
    'Send fileId (a signed PDF), fileId with signatureFileId or signature, pdf, or content with signature',
  );
}

export const SealFile = z
  .strictObject({
    fileId: z.uuid(),
    reason: z.string().check(z.minLength(1), z.maxLength(200)),
    location: z.optional(z.string().check(z.maxLength(200))),
    purpose: z.optional(z.enum(SIGNATURE_PURPOSES)),
  })
  .register(z.globalRegistry, { id: 'SealFile' });
export type SealFile = z.infer<typeof SealFile>;

export const SealedFile = z
  .object({
    signedFileId: z.uuid(),
    /** `pades` (the seal inside the PDF) or `cades` (a detached .p7s for any other file). */
    format: z.enum(['pades', 'cades']),
    signer: Signer,
  })
  .register(z.globalRegistry, { id: 'SealedFile' });

/** The agency seal on a stored file of the caller's agency: PAdES inside a PDF, else a detached CMS file. */
export async function sealFile(input: SealFile, caller: Caller): Promise<z.infer<typeof SealedFile>> {
  const { stored, bytes } = await readConfirmedFile(input.fileId);
  await caller.authorize({ agencyCode: stored.file.agencyCode });
  const signing = signingCapability();
  const agencyId = stored.file.agencyCode;
  const isPdf = stored.file.contentType === 'application/pdf';
  let signed: Uint8Array;
  try {
    signed = isPdf
      ? await signing.sealPdf({
          agencyId,
          pdf: bytes,
          reason: input.reason,
          ...(input.location ? { location: input.location } : {}),
        })
      : await signing.signDetached({ agencyId, content: bytes });
  } catch (error) {
    if (error instanceof PdfSignatureError) {
      throw new HttpProblem('validation-error', error.message, {
        extensions: { errors: [{ path: 'body.fileId', message: error.message, code: 'unsignable-pdf' }] },
      });
    }
    throw error;
  }
  const key = await signing.sealKey(agencyId);
  const signer = signerOf(certificateDer(key.certificateChainPem[0]!));
  const at = now();
  const { file, write } = await storeSignedFile({
    source: stored.file,
    bytes: signed,
    contentType: isPdf ? 'application/pdf' : 'application/pkcs7-signature',
    fileName: isPdf ? signedFileName(stored.file.fileName) : `${stored.file.fileName}.p7s`,
    ownerSub: caller.principal.sub,
    at,
  });
  const format = isPdf ? ('pades' as const) : ('cades' as const);
  await commitChange({
    context: caller.change,
    agencyCode: agencyId,
    action: 'signature.sealed',
    entity: { type: 'file', id: file.id },
    after: { fileId: stored.file.id, signedFileId: file.id, format },
    writes: [write],
    events: [
      {
        contract: SignatureCompletedV1,
        data: {
          signature: {
            id: file.id,
            kind: 'seal',
            purpose: input.purpose ?? 'result',
            agencyCode: agencyId,
            fileId: stored.file.id,
            signedFileId: file.id,
            format,
            certificateSerialNumber: signer.serialNumber,
            signedAt: at.toISOString(),
          },
        },
        recipients: [agencyId],
      },
    ],
  });
  return { signedFileId: file.id, format, signer };
}
