/**
 * The signing capability as the other domains see it (issue #8 implements it; documents, edXML
 * and payment receipts use only this file). Agency seal keys live in AWS KMS (asymmetric) in the
 * cloud and in the local test PKI in the local runtime, behind the same `SealKey`.
 *
 * How the domains use it:
 * - documents: a leader signs the draft PDF through the two-phase personal signing API
 *   (`POST /v1/signatures` → `POST /v1/signatures/{id}/complete`), which stores the signed PDF as
 *   a file; the document's sign step takes that file and checks it with `verifyPdf` (TOTAL_PASSED,
 *   a personal certificate, the draft's bytes unchanged as the signed revision's prefix). Issuing
 *   then applies the agency seal with `sealPdf` (a second PAdES signature, incremental update).
 * - edXML: the exported package carries an enveloped XML signature made with `sealKey(agency)`.
 * - payments: a receipt PDF is sealed with `sealPdf`.
 */

/** Algorithms a seal key signs with (the names KMS uses). */
export type SigningAlgorithm = 'RSASSA_PKCS1_V1_5_SHA_256' | 'ECDSA_SHA_256';

export interface SealKey {
  /** PEM certificates: the agency's organization certificate first, then intermediates, root last. */
  readonly certificateChainPem: readonly string[];
  readonly algorithm: SigningAlgorithm;
  /** Signs `data` (the key hashes it with SHA-256; KMS `MessageType: RAW`). Returns the raw signature (DER for ECDSA). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

/** One signature's verdict, after ETSI EN 319 102-1. */
export interface SignatureReport {
  readonly signer: {
    readonly commonName: string;
    readonly organization?: string;
    readonly serialNumber: string;
    readonly kind: 'personal' | 'organization';
  };
  /** Claimed signing time (signed attribute), ISO 8601. */
  readonly signingTime?: string;
  /** The signed bytes are unchanged and the signature value matches the certificate's key. */
  readonly integrity: boolean;
  /** The certificate chains to one of the configured trusted roots. */
  readonly chainTrusted: boolean;
  /** The certificate was within its validity period at the signing time. */
  readonly validAtSigningTime: boolean;
  readonly revocation: 'good' | 'revoked' | 'unknown';
  readonly indication: Indication;
  /** For PDFs: whether this signature covers the whole file (false for earlier revisions). */
  readonly coversWholeDocument?: boolean;
  /** For PDFs: length of the revision the signature covers (its ByteRange end). */
  readonly signedRevisionLength?: number;
}

export interface VerificationReport {
  readonly indication: Indication;
  readonly signatures: readonly SignatureReport[];
}

export interface SigningCapability {
  sealKey(agencyId: string): Promise<SealKey>;
  /** Adds the agency's seal signature (PAdES-B, incremental update; earlier signatures stay valid). */
  sealPdf(input: {
    readonly agencyId: string;
    readonly pdf: Uint8Array;
    readonly reason: string;
    readonly location?: string;
  }): Promise<Uint8Array>;
  verifyPdf(pdf: Uint8Array): Promise<VerificationReport>;
  /** PEM certificates of the configured trusted roots. */
  trustedRootsPem(): Promise<readonly string[]>;
}
