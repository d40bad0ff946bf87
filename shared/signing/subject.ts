/**
 * Who a certificate names, in the terms of the verification report. Government CA certificates
 * name an organization (con dấu, the agency seal) with CN equal to O, and a person (cá nhân) with
 * CN the person's name and O the agency; the local test PKI follows the same rule.
 *
 * Read with the small DER reader (./x509.ts), so sealing bundles no X.509 library; the values are
 * what @peculiar/x509 read before (the first CN and O; the serial number as lowercase hex without
 * a sign octet), see tests/unit/cms-builder.test.ts.
 */
import type { SignatureReport } from './capability.ts';
import { certificateDer } from './cms.ts';
import { ATTRIBUTE, certificateFields, nameValues, serialNumberHex } from './x509.ts';

export type CertificateKind = SignatureReport['signer']['kind'];

/** The signer of a certificate (DER, or PEM). */
export function signerOf(certificate: Uint8Array | string): SignatureReport['signer'] {
  const { subject, serialNumber } = certificateFields(certificateDer(certificate));
  const commonName = nameValues(subject, ATTRIBUTE.commonName)[0] ?? '';
  const organization = nameValues(subject, ATTRIBUTE.organization)[0];
  return {
    commonName,
    ...(organization ? { organization } : {}),
    serialNumber: serialNumberHex(serialNumber),
    kind: kindOf(commonName, organization),
  };
}

export const kindOf = (commonName: string, organization: string | undefined): CertificateKind =>
  organization !== undefined && organization === commonName ? 'organization' : 'personal';
