/**
 * Who a certificate names, in the terms of the verification report. Government CA certificates
 * name an organization (con dấu, the agency seal) with CN equal to O, and a person (cá nhân) with
 * CN the person's name and O the agency; the local test PKI follows the same rule.
 */
import './reflect-metadata.ts';
import { X509Certificate } from '@peculiar/x509';
import type { SignatureReport } from './capability.ts';

export type CertificateKind = SignatureReport['signer']['kind'];

export function signerOf(certificate: Uint8Array | string): SignatureReport['signer'] {
  const parsed = new X509Certificate(certificate);
  const commonName = parsed.subjectName.getField('CN')[0] ?? '';
  const organization = parsed.subjectName.getField('O')[0];
  return {
    commonName,
    ...(organization ? { organization } : {}),
    serialNumber: parsed.serialNumber,
    kind: kindOf(commonName, organization),
  };
}

export const kindOf = (commonName: string, organization: string | undefined): CertificateKind =>
  organization !== undefined && organization === commonName ? 'organization' : 'personal';
