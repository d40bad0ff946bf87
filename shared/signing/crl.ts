/**
 * Certificate revocation lists (RFC 5280 § 5): read with the bounds-checked DER reader (./der.ts),
 * their signature checked by node:crypto. A CRL comes from the province's configuration or with a
 * certificate being registered, so it is untrusted input: anything that is not a CertificateList is
 * a DerError, and a CRL counts only once its issuer's key verified it (./verify.ts).
 *
 * Signature algorithms: RSA PKCS#1 v1.5 and ECDSA with SHA-1, SHA-256, SHA-384 or SHA-512 (what
 * CAs sign CRLs with); a CRL signed otherwise (RSA-PSS…) is not verified, so it is not used.
 */
import { type KeyObject, verify } from 'node:crypto';
import { children, contentOf, DerError, encoded, oidOf, readTlv, TAG, timeOf } from './der.ts';
import { nameText, serialNumberHex } from './x509.ts';

export interface Crl {
  /** The issuer Name as text (the form of ./x509.ts nameText). */
  readonly issuer: string;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** Revoked serial numbers (lowercase hex, no sign octet) and their revocation dates. */
  readonly revoked: ReadonlyMap<string, Date>;
  /** Whether the CRL's signature verifies with `publicKey` (the issuer's). */
  signedBy(publicKey: KeyObject): boolean;
}

/** signatureAlgorithm OIDs → the digest node:crypto verifies with (RSA or ECDSA from the key). */
const DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** The DER of a CRL given as DER, PEM (`-----BEGIN X509 CRL-----`) or bare base64. */
function crlDer(source: string | Uint8Array): Uint8Array {
  if (typeof source !== 'string') return source;
  const pem = /-----BEGIN [^-\n]+-----([\s\S]*?)-----END [^-\n]+-----/.exec(source);
  const base64 = (pem ? pem[1]! : source).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new DerError('Not a PEM or base64 CRL');
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/**
 * CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
 * TBSCertList ::= SEQUENCE { version OPTIONAL, signature, issuer, thisUpdate, nextUpdate OPTIONAL,
 *   revokedCertificates SEQUENCE OF SEQUENCE { userCertificate, revocationDate, … } OPTIONAL, [0] crlExtensions }
 */
export function parseCrl(source: string | Uint8Array): Crl {
  const der = crlDer(source);
  const list = readTlv(der);
  if (list.tag !== TAG.sequence || list.end !== der.length) throw new DerError('Not a CRL');
  const [tbs, algorithm, signature] = children(der, list);
  if (tbs?.tag !== TAG.sequence || algorithm?.tag !== TAG.sequence || signature?.tag !== 0x03)
    throw new DerError('Not a CRL');
  const [algorithmOid] = children(der, algorithm);
  if (!algorithmOid) throw new DerError('Not a CRL');
  const digest = DIGESTS[oidOf(der, algorithmOid)];

  const fields = children(der, tbs);
  const rest = fields[0]?.tag === TAG.integer ? fields.slice(1) : fields;
  const [, issuer, thisUpdate, ...more] = rest;
  if (issuer?.tag !== TAG.sequence || !thisUpdate) throw new DerError('Not a CRL');
  const nextUpdate =
    more[0] && (more[0].tag === TAG.utcTime || more[0].tag === TAG.generalizedTime)
      ? more.shift()
      : undefined;
  const entries = more[0]?.tag === TAG.sequence ? children(der, more[0]) : [];
  const revoked = new Map<string, Date>();
  for (const entry of entries) {
    const [serial, date] = children(der, entry);
    if (serial?.tag !== TAG.integer || !date) throw new DerError('Bad CRL entry');
    revoked.set(serialNumberHex(encoded(der, serial)), timeOf(der, date));
  }
  const tbsBytes = encoded(der, tbs);
  const signatureBits = contentOf(der, signature);
  return {
    issuer: nameText(encoded(der, issuer)),
    thisUpdate: timeOf(der, thisUpdate),
    ...(nextUpdate ? { nextUpdate: timeOf(der, nextUpdate) } : {}),
    revoked,
    signedBy(publicKey) {
      if (!digest || signatureBits[0] !== 0) return false;
      try {
        return verify(digest, tbsBytes, { key: publicKey, dsaEncoding: 'der' }, signatureBits.subarray(1));
      } catch {
        return false;
      }
    },
  };
}
