/**
 * The certificate registry (chứng thư số): the X.509 certificates agencies (organization, the seal)
 * and people (personal) sign with. Registering checks the certificate: it chains to a configured
 * trusted root (with the intermediates given), is inside its validity period, may sign (key usage
 * digitalSignature or nonRepudiation, not a CA), and is not revoked by a CRL we know (the one given
 * with it or the province's). Keys: ./keys.ts.
 */
import './reflect-metadata.ts';
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { KeyUsageFlags, KeyUsagesExtension, X509Certificate } from '@peculiar/x509';
import * as z from 'zod/mini';
import { CertificateRegisteredV1 } from '#events/signatures/signature-events.v1.ts';
import { agencyCodeSchema } from '../agencies/agency.ts';
import type { Principal } from '../http/auth.ts';
import { ConflictError, HttpProblem, NotFoundError } from '../http/errors.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange } from '../platform/change.ts';
import { now } from '../platform/clock.ts';
import { queryAll } from '../platform/query.ts';
import { stripKeys, tableName } from '../platform/table.ts';
import { certificateDer } from './cms.ts';
import { signingCapability } from './index.ts';
import {
  certificateIndexKeys,
  certificateKey,
  certificateSerialKey,
  ENTITY_CERTIFICATE,
  ENTITY_CERTIFICATE_SERIAL,
} from './keys.ts';
import { kindOf } from './subject.ts';
import { checkChain } from './verify.ts';

export const CERTIFICATE_KINDS = ['personal', 'organization'] as const;
const pemSchema = z
  .string()
  .check(
    z.maxLength(20_000),
    z.regex(/-----BEGIN CERTIFICATE-----/, 'A PEM certificate (-----BEGIN CERTIFICATE-----)'),
  );

export const RegisterCertificate = z
  .strictObject({
    certificatePem: pemSchema,
    /** Intermediate CA certificates (PEM), when the root did not issue the certificate directly. */
    chainPem: z.optional(z.array(pemSchema).check(z.maxLength(5))),
    /** The issuer's current CRL (PEM), when available: a revoked certificate is refused. */
    crlPem: z.optional(z.string().check(z.maxLength(200_000))),
  })
  .register(z.globalRegistry, { id: 'RegisterCertificate' });
export type RegisterCertificate = z.infer<typeof RegisterCertificate>;

export const CertificateRecord = z
  .object({
    id: z.uuid(),
    kind: z.enum(CERTIFICATE_KINDS),
    agencyCode: agencyCodeSchema,
    /** Personal certificates: the holder (`sub` and username of the user who registered it). */
    ownerSub: z.optional(z.string()),
    ownerUsername: z.optional(z.string()),
    subject: z.object({ commonName: z.string(), organization: z.optional(z.string()), dn: z.string() }),
    issuer: z.string(),
    serialNumber: z.string(),
    notBefore: z.iso.datetime(),
    notAfter: z.iso.datetime(),
    /** SHA-256 of the DER, hex. */
    fingerprint: z.string(),
    revocation: z.enum(['good', 'unknown']),
    certificatePem: z.string(),
    chainPem: z.array(z.string()),
    version: z.number(),
    createdAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'Certificate', description: 'A registered signing certificate' });
export type CertificateRecord = z.infer<typeof CertificateRecord>;

const invalid = (detail: string, code: string) =>
  new HttpProblem('validation-error', detail, {
    extensions: { errors: [{ path: 'body.certificatePem', message: detail, code }] },
  });

function parseCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw invalid('The certificate is not a readable X.509 PEM certificate', 'unreadable');
  }
}

const issuerSerialHash = (certificate: X509Certificate): string =>
  createHash('sha256').update(`${certificate.issuer}\n${certificate.serialNumber}`).digest('hex');

/** Checks a certificate for registration; answers the facts to store. */
export async function examineCertificate(input: RegisterCertificate, at: Date) {
  const certificate = parseCertificate(input.certificatePem);
  const chain = (input.chainPem ?? []).map(parseCertificate);
  if (at < certificate.notBefore || at > certificate.notAfter) {
    throw invalid(
      `The certificate is valid from ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}, not now`,
      'outside-validity',
    );
  }
  const usage = certificate.getExtension(KeyUsagesExtension);
  if (usage && !(usage.usages & (KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation))) {
    throw invalid(
      'The certificate’s key usage allows neither digitalSignature nor nonRepudiation',
      'key-usage',
    );
  }
  const basic = certificate.extensions.find((extension) => extension.type === '2.5.29.19') as
    | { ca?: boolean }
    | undefined;
  if (basic?.ca) throw invalid('A CA certificate cannot be registered for signing', 'ca-certificate');
  const anchors = await signingCapability().trustAnchors();
  const result = await checkChain(
    certificateDer(input.certificatePem),
    chain.map((entry) => new Uint8Array(entry.rawData)),
    { ...anchors, crls: [...(anchors.crls ?? []), ...(input.crlPem ? [input.crlPem] : [])] },
    at,
  );
  if (!result.trusted)
    throw invalid('The certificate does not chain to a trusted root of the province', 'untrusted');
  if (result.revocation === 'revoked') throw invalid('The certificate is revoked (CRL)', 'revoked');
  const commonName = certificate.subjectName.getField('CN')[0] ?? '';
  const organization = certificate.subjectName.getField('O')[0];
  return {
    certificate,
    kind: kindOf(commonName, organization),
    subject: { commonName, ...(organization ? { organization } : {}), dn: certificate.subject },
    revocation: result.revocation === 'good' ? ('good' as const) : ('unknown' as const),
    chainPem: chain.map((entry) => entry.toString('pem')),
  };
}

/**
 * Registers a certificate for the caller's agency: staff register their own personal certificate;
 * agency administrators register the agency's organization (seal) certificate.
 */
export async function registerCertificate(
  input: RegisterCertificate,
  caller: { principal: Principal; change: ChangeContext },
): Promise<CertificateRecord> {
  const { principal } = caller;
  const agencyCode = principal.agencyCode;
  if (!agencyCode) throw new HttpProblem('forbidden', 'Only staff of an agency register certificates');
  const at = now();
  const examined = await examineCertificate(input, at);
  const isAdmin = principal.roles.includes('agency-admin') || principal.roles.includes('province-admin');
  if (examined.kind === 'organization' && !isAdmin) {
    throw new HttpProblem(
      'forbidden',
      'Organization (seal) certificates are registered by an agency administrator',
    );
  }
  if (
    examined.kind === 'personal' &&
    !principal.roles.some((role) => ['leader', 'specialist', 'clerk'].includes(role))
  ) {
    throw new HttpProblem('forbidden', 'Personal certificates are registered by their holders (staff)');
  }
  const { certificate } = examined;
  const record: CertificateRecord = {
    id: randomUUID(),
    kind: examined.kind,
    agencyCode,
    ...(examined.kind === 'personal' ? { ownerSub: principal.sub, ownerUsername: principal.username } : {}),
    subject: examined.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    fingerprint: createHash('sha256').update(new Uint8Array(certificate.rawData)).digest('hex'),
    revocation: examined.revocation,
    certificatePem: certificate.toString('pem'),
    chainPem: examined.chainPem,
    version: 1,
    createdAt: at.toISOString(),
  };
  const serialKey = certificateSerialKey(issuerSerialHash(certificate));
  await commitChange({
    context: caller.change,
    agencyCode,
    action: 'certificate.registered',
    entity: { type: ENTITY_CERTIFICATE, id: record.id },
    after: { ...record, certificatePem: undefined },
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...serialKey, entityType: ENTITY_CERTIFICATE_SERIAL, certificateId: record.id },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () =>
          new ConflictError('This certificate (issuer and serial number) is already registered', {
            serialNumber: record.serialNumber,
          }),
      },
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: {
              ...certificateKey(record.id),
              ...certificateIndexKeys({
                id: record.id,
                agencyCode,
                kind: record.kind,
                notAfter: record.notAfter,
                ownerSub: record.ownerSub,
              }),
              entityType: ENTITY_CERTIFICATE,
              ...record,
            },
          },
        },
      },
    ],
    events: [
      {
        contract: CertificateRegisteredV1,
        data: {
          certificate: {
            id: record.id,
            kind: record.kind,
            serialNumber: record.serialNumber,
            notAfter: record.notAfter,
          },
        },
        recipients: [agencyCode],
      },
    ],
  });
  return record;
}

const toRecord = (item: Record<string, unknown>): CertificateRecord => {
  const stripped = stripKeys(item) as Record<string, unknown>;
  delete stripped.GSI1PK;
  return stripped as CertificateRecord;
};

export async function getCertificate(id: string): Promise<CertificateRecord> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: certificateKey(id) }));
  if (!Item) throw new NotFoundError(`Certificate ${id} does not exist`);
  return toRecord(Item);
}

export interface CertificateFilter {
  readonly agencyCode: string;
  readonly kind?: (typeof CERTIFICATE_KINDS)[number] | undefined;
  /** Only certificates whose validity ends within this many days (already expired ones excluded). */
  readonly expiringWithinDays?: number | undefined;
}

/** An agency's certificates, soonest expiry first. */
export async function listCertificates(filter: CertificateFilter): Promise<CertificateRecord[]> {
  const from = now().toISOString();
  const until =
    filter.expiringWithinDays === undefined
      ? undefined
      : new Date(now().getTime() + filter.expiringWithinDays * 86_400_000).toISOString();
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: filter.kind ? 'GSI1PK = :pk AND begins_with(GSI1SK, :kind)' : 'GSI1PK = :pk',
    ExpressionAttributeValues: {
      ':pk': `CERTAGENCY#${filter.agencyCode}`,
      ...(filter.kind ? { ':kind': `${filter.kind}#` } : {}),
    },
  });
  return items
    .map(toRecord)
    .filter((record) => until === undefined || (record.notAfter >= from && record.notAfter <= until))
    .sort((a, b) => a.notAfter.localeCompare(b.notAfter));
}

/** Certificates of the whole province expiring within `days` (GSI3), soonest first. */
export async function listExpiringCertificates(days: number): Promise<CertificateRecord[]> {
  const from = now().toISOString();
  const until = new Date(now().getTime() + days * 86_400_000).toISOString();
  const items = await queryAll({
    IndexName: 'GSI3',
    KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK BETWEEN :from AND :until',
    ExpressionAttributeValues: { ':pk': 'CERTEXPIRY', ':from': from, ':until': `${until}#~` },
  });
  return items.map(toRecord);
}

/** The caller's usable personal certificate: the one named, or their latest valid one. */
export async function personalCertificateFor(
  principal: Principal,
  certificateId?: string,
): Promise<CertificateRecord> {
  const at = now().toISOString();
  if (certificateId) {
    const record = await getCertificate(certificateId);
    if (record.kind !== 'personal' || record.ownerSub !== principal.sub) {
      throw new HttpProblem('forbidden', 'You can sign only with your own personal certificate');
    }
    if (record.notAfter < at || record.notBefore > at) {
      throw new ConflictError('The certificate is not valid now', { notAfter: record.notAfter });
    }
    return record;
  }
  const items = await queryAll({
    IndexName: 'GSI2',
    KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK > :at',
    ExpressionAttributeValues: { ':pk': `CERTOWNER#${principal.sub}`, ':at': at },
  });
  const usable = items.map(toRecord).filter((record) => record.notBefore <= at);
  const latest = usable.at(-1);
  if (!latest) {
    throw new ConflictError(
      'You have no valid personal certificate; register one with POST /v1/certificates',
    );
  }
  return latest;
}
