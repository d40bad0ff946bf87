/**
 * Signature validation after ETSI EN 319 102-1, for the basic signature (B level):
 * integrity (the signed bytes' digest, the ESS certificate binding, the signature value), the chain
 * to a configured trusted root, the certificates' validity at the claimed signing time, and
 * revocation from the newest issuer-signed CRL we were given that speaks for the signing time.
 *
 * Indication per signature:
 * - TOTAL_FAILED: integrity broken, or the signer's certificate revoked before the signing time;
 * - INDETERMINATE: no chain to a trusted root, or a certificate outside its validity at that time;
 * - TOTAL_PASSED: otherwise. Revocation `unknown` (no CRL for that issuer) does not by itself make a
 *   signature indeterminate: the province's policy decides which CRLs are configured (docs/signatures.md).
 * The document's indication is the worst of its signatures; a PDF with no signature is TOTAL_FAILED.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import type { Indication, SignatureReport, VerificationReport } from './capability.ts';
import { CmsError, certificateDer } from './cms.ts';
import { checkIntegrity, type ParsedSignature, parseSignedData } from './cms-verify.ts';
import { type Crl, parseCrl } from './crl.ts';
import { findSignatures, rangeParts } from './pades.ts';
import type { TrustAnchors } from './sealing.ts';
import { signerOf } from './subject.ts';
import { certificateFields, nameText, serialNumberHex } from './x509.ts';

export type { TrustAnchors };

interface ChainResult {
  readonly trusted: boolean;
  readonly chain: readonly NodeCertificate[];
}

function buildChain(
  signer: Uint8Array,
  carried: readonly Uint8Array[],
  rootsPem: readonly string[],
): ChainResult {
  const roots = rootsPem.map((pem) => new NodeCertificate(pem));
  const pool = carried.map((der) => new NodeCertificate(der));
  const chain = [new NodeCertificate(signer)];
  for (let depth = 0; depth < 8; depth++) {
    const current = chain.at(-1)!;
    const root = roots.find((candidate) => current.raw.equals(candidate.raw));
    if (root) return { trusted: true, chain };
    const issuedByRoot = roots.find(
      (candidate) => current.checkIssued(candidate) && current.verify(candidate.publicKey),
    );
    if (issuedByRoot) return { trusted: isCa(issuedByRoot), chain: [...chain, issuedByRoot] };
    const issuer = pool.find(
      (candidate) =>
        !candidate.raw.equals(current.raw) &&
        current.checkIssued(candidate) &&
        current.verify(candidate.publicKey),
    );
    if (!issuer || !isCa(issuer)) return { trusted: false, chain };
    chain.push(issuer);
  }
  return { trusted: false, chain };
}

const isCa = (certificate: NodeCertificate): boolean => certificate.ca;

function validAt(chain: readonly NodeCertificate[], at: Date): boolean {
  return chain.every(
    (certificate) => new Date(certificate.validFrom) <= at && at <= new Date(certificate.validTo),
  );
}

/**
 * Revocation of the signer's certificate at `at`, from the newest CRL its issuer signed. A CRL speaks
 * for `at` only when it was current then or issued later (at ≤ nextUpdate, or thisUpdate ≥ at): an
 * older, stale list that does not name the certificate says nothing about it (`unknown`, not `good`).
 * A certificate the list names is revoked from its revocation date on, whatever the list's age.
 */
async function revocationOf(
  chain: readonly NodeCertificate[],
  crls: readonly (string | Uint8Array)[],
  at: Date,
): Promise<SignatureReport['revocation']> {
  const signer = chain[0];
  const issuer = chain[1];
  if (!signer || !issuer) return 'unknown';
  const issuerName = nameText(certificateFields(new Uint8Array(issuer.raw)).subject);
  const serial = serialNumberHex(certificateFields(new Uint8Array(signer.raw)).serialNumber);
  const ofIssuer: Crl[] = [];
  for (const source of crls) {
    try {
      const crl = parseCrl(source);
      if (crl.issuer === issuerName) ofIssuer.push(crl);
    } catch {
      // A source that is not a CRL speaks for nothing.
    }
  }
  // Newest first; only the lists checked until one carries the issuer's signature.
  ofIssuer.sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime());
  const newest = ofIssuer.find((crl) => crl.signedBy(issuer.publicKey));
  if (!newest) return 'unknown';
  const revokedAt = newest.revoked.get(serial);
  if (revokedAt) return revokedAt <= at ? 'revoked' : 'good';
  const speaksForAt = newest.thisUpdate >= at || (newest.nextUpdate !== undefined && at <= newest.nextUpdate);
  return speaksForAt ? 'good' : 'unknown';
}

/** The chain, validity and revocation checks of a certificate at a given time (registration uses them too). */
export async function checkChain(
  certificate: Uint8Array,
  intermediates: readonly Uint8Array[],
  anchors: TrustAnchors,
  at: Date,
): Promise<{ trusted: boolean; validAtTime: boolean; revocation: SignatureReport['revocation'] }> {
  const { trusted, chain } = buildChain(certificate, intermediates, anchors.rootsPem);
  return {
    trusted,
    validAtTime: validAt(chain, at),
    revocation: trusted ? await revocationOf(chain, anchors.crls ?? [], at) : 'unknown',
  };
}

function worst(indications: readonly Indication[]): Indication {
  if (indications.length === 0 || indications.includes('TOTAL_FAILED')) return 'TOTAL_FAILED';
  return indications.includes('INDETERMINATE') ? 'INDETERMINATE' : 'TOTAL_PASSED';
}

async function report(
  parsed: ParsedSignature | undefined,
  integrity: boolean,
  claimedTime: Date | undefined,
  anchors: TrustAnchors,
  extra: Pick<SignatureReport, 'coversWholeDocument' | 'signedRevisionLength'>,
): Promise<SignatureReport> {
  if (!parsed) {
    return {
      signer: { commonName: '', serialNumber: '', kind: 'personal' },
      integrity: false,
      chainTrusted: false,
      validAtSigningTime: false,
      revocation: 'unknown',
      indication: 'TOTAL_FAILED',
      ...extra,
    };
  }
  const at = claimedTime ?? parsed.signingTime ?? new Date();
  const { trusted, chain } = buildChain(parsed.signer, parsed.certificates, anchors.rootsPem);
  const valid = validAt(chain, at);
  const revocation = trusted ? await revocationOf(chain, anchors.crls ?? [], at) : 'unknown';
  const indication: Indication =
    !integrity || revocation === 'revoked'
      ? 'TOTAL_FAILED'
      : !trusted || !valid
        ? 'INDETERMINATE'
        : 'TOTAL_PASSED';
  return {
    signer: signerOf(parsed.signer),
    signingTime: at.toISOString(),
    integrity,
    chainTrusted: trusted,
    validAtSigningTime: valid,
    revocation,
    indication,
    ...extra,
  };
}

/** Validates every PAdES signature of a PDF, oldest revision first. */
export async function verifyPdfSignatures(
  pdf: Uint8Array,
  anchors: TrustAnchors,
): Promise<VerificationReport> {
  const signatures: SignatureReport[] = [];
  for (const found of findSignatures(pdf)) {
    const [a, b, c, d] = found.byteRange;
    const end = c + d;
    const extra = { coversWholeDocument: end === pdf.length, signedRevisionLength: end };
    let parsed: ParsedSignature | undefined;
    try {
      parsed = parseSignedData(found.cms);
    } catch (error) {
      if (!(error instanceof CmsError)) throw error;
    }
    const wellFormed = a === 0 && b < c && end <= pdf.length;
    const integrity =
      parsed !== undefined &&
      wellFormed &&
      checkIntegrity(parsed, Buffer.concat(rangeParts(pdf, found.byteRange)));
    signatures.push(
      await report(parsed, integrity, found.signingTime ?? parsed?.signingTime, anchors, extra),
    );
  }
  signatures.sort((x, y) => (x.signedRevisionLength ?? 0) - (y.signedRevisionLength ?? 0));
  return { indication: worst(signatures.map((signature) => signature.indication)), signatures };
}

/** Validates a detached CMS (CAdES-B) signature over `content`. */
export async function verifyDetached(
  content: Uint8Array,
  signature: Uint8Array,
  anchors: TrustAnchors,
): Promise<VerificationReport> {
  let parsed: ParsedSignature | undefined;
  try {
    parsed = parseSignedData(signature);
  } catch (error) {
    if (!(error instanceof CmsError)) throw error;
  }
  const integrity = parsed !== undefined && checkIntegrity(parsed, content);
  const single = await report(parsed, integrity, parsed?.signingTime, anchors, {});
  return { indication: single.indication, signatures: [single] };
}

export { certificateDer };
