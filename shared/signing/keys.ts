/**
 * Keys of the signatures domain in the main table.
 *
 * | access pattern                              | index | PK                    | SK                                  |
 * |---------------------------------------------|-------|-----------------------|-------------------------------------|
 * | a certificate by id                         | table | `CERT#<id>`           | `META`                              |
 * | a certificate by issuer + serial (unique)   | table | `CERTSERIAL#<sha256>` | `META`                              |
 * | an agency's certificates (by kind, expiry)  | GSI1  | `CERTAGENCY#<agency>` | `<kind>#<notAfter>#<id>`            |
 * | a person's certificates                     | GSI2  | `CERTOWNER#<sub>`     | `<notAfter>#<id>`                   |
 * | certificates expiring before a date         | GSI3  | `CERTEXPIRY`          | `<notAfter>#<id>`                   |
 * | an agency's seal key binding (KMS key id)   | table | `SEALKEY#<agency>`    | `META`                              |
 * | a signing session (TTL `expiresAt`)         | table | `SIGSESSION#<id>`     | `META`                              |
 *
 * A prepared PDF waits in the files bucket under `signing-sessions/<agency>/<id>.pdf` until the
 * session completes or expires (one lifecycle rule removes what is left after a day).
 */
export const ENTITY_CERTIFICATE = 'certificate';
export const ENTITY_CERTIFICATE_SERIAL = 'certificate-serial';
export const ENTITY_SEAL_KEY = 'seal-key';
export const ENTITY_SIGNING_SESSION = 'signing-session';

export const certificateKey = (id: string) => ({ PK: `CERT#${id}`, SK: 'META' });
export const certificateSerialKey = (issuerSerialHash: string) => ({
  PK: `CERTSERIAL#${issuerSerialHash}`,
  SK: 'META',
});
export const certificateIndexKeys = (input: {
  id: string;
  agencyCode: string;
  kind: string;
  notAfter: string;
  ownerSub?: string | undefined;
}) => ({
  GSI1PK: `CERTAGENCY#${input.agencyCode}`,
  GSI1SK: `${input.kind}#${input.notAfter}#${input.id}`,
  ...(input.ownerSub
    ? { GSI2PK: `CERTOWNER#${input.ownerSub}`, GSI2SK: `${input.notAfter}#${input.id}` }
    : {}),
  GSI3PK: 'CERTEXPIRY',
  GSI3SK: `${input.notAfter}#${input.id}`,
});
export const sealKeyKey = (agencyCode: string) => ({ PK: `SEALKEY#${agencyCode}`, SK: 'META' });
export const sessionKey = (id: string) => ({ PK: `SIGSESSION#${id}`, SK: 'META' });
export const SESSION_PREFIX = 'signing-sessions/';
export const sessionObjectKey = (agencyCode: string, id: string) =>
  `${SESSION_PREFIX}${agencyCode}/${id}.pdf`;
