/**
 * The sign step of an outgoing document: the leader signs the approved main PDF with the personal
 * signing API (issue #8), which stores the signed PDF as a file; this checks that file with the
 * signing capability's `verifyPdf` before the document records it:
 * - the verdict is TOTAL_PASSED and some signature was made with a personal certificate;
 * - the approved main text is unchanged: its bytes are the prefix of the signed revision (a PAdES
 *   signature is an incremental update appended to the signed file).
 */
import { ValidationError } from '../http/errors.ts';
import { readFileBytes } from '../files/server-files.ts';
import type { SigningCapability } from '../signing/capability.ts';
import type { OutgoingDocument } from './document.ts';
import type { SignedMainText } from './outgoing.ts';

const refuse = (message: string, code: string) =>
  new ValidationError([{ path: 'body.signedFileId', message, code }], 'The signed file cannot be accepted');

export async function checkSignedMainText(
  document: OutgoingDocument,
  signedFileId: string,
  signing: Pick<SigningCapability, 'verifyPdf'>,
): Promise<SignedMainText> {
  const main = document.attachments.find((attachment) => attachment.main);
  if (!main) throw refuse('The document has no main text', 'no_main_text');
  let signed: Awaited<ReturnType<typeof readFileBytes>>;
  try {
    signed = await readFileBytes(signedFileId);
  } catch {
    throw refuse('No such confirmed file', 'invalid_file');
  }
  if (signed.file.agencyCode !== document.agencyCode || signed.file.contentType !== 'application/pdf') {
    throw refuse('The signed file must be a PDF of the document’s agency', 'invalid_file');
  }
  const draft = await readFileBytes(main.fileId);
  const report = await signing.verifyPdf(signed.bytes);
  if (report.indication !== 'TOTAL_PASSED') {
    throw refuse(`The signature does not verify (${report.indication})`, 'signature_invalid');
  }
  const personal = report.signatures.find(
    (signature) =>
      signature.signer.kind === 'personal' &&
      signature.indication === 'TOTAL_PASSED' &&
      (signature.signedRevisionLength ?? signed.bytes.length) >= draft.bytes.length,
  );
  if (!personal) throw refuse('No valid signature with a personal certificate', 'no_personal_signature');
  if (!signed.bytes.subarray(0, draft.bytes.length).equals(draft.bytes)) {
    throw refuse('The signed PDF is not the approved main text: its bytes changed', 'text_changed');
  }
  return {
    attachment: {
      fileId: signed.file.id,
      fileName: signed.file.fileName,
      contentType: signed.file.contentType,
      size: signed.file.size,
      sha256: signed.file.sha256,
      main: true,
    },
    signerName: personal.signer.commonName,
    serialNumber: personal.signer.serialNumber,
    signingTime: personal.signingTime,
  };
}
