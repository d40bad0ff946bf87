/**
 * The certificate registry (chứng thư số): the X.509 certificates agencies (organization, the seal)
 * and people (personal) sign with. Registering checks the certificate: it chains to a configured
 * trusted root (with the intermediates given), is inside its validity period, may sign (key usage
 * digitalSignature or nonRepudiation, not a CA), and is not revoked by a CRL we know (the one given
 * with it or the province's). Keys: ./keys.ts.
 */
import { createHash, X509Certificate as NodeCertificate, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
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
import { signingCapability } from './index.ts';
import {
  certificateIndexKeys,
  certificateKey,
  certificateSerialKey,
  ENTITY_CERTIFICATE,
  ENTITY_CERTIFICATE_SERIAL,
  ENTITY_SEAL_KEY,
  sealKeyKey,
} from './keys.ts';
import { kindOf } from './subject.ts';
import { checkChain } from './verify.ts';
import {
  ATTRIBUTE,
  type CertificateFields,
  certificateFields,
  certificatePem,
  KEY_USAGE,
  nameText,
  nameValues,
  serialNumberHex,
} from './x509.ts';

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

/** A certificate as registration reads it: parsed by node:crypto, its fields by ./x509.ts. */
interface ReadCertificate {
  readonly der: Uint8Array;
  readonly fields: CertificateFields;
  /** Whether basic constraints make it a CA. */
  readonly ca: boolean;
  /** The issuer Name as text (`CN=…, O=…`). */
  readonly issuer: string;
  /** Lowercase hex, no sign octet. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly pem: string;
}

function parseCertificate(pem: string): ReadCertificate {
  try {
    const node = new NodeCertificate(pem);
    const der = new Uint8Array(node.raw);
    const fields = certificateFields(der);
    return {
      der,
      fields,
      ca: node.ca,
      issuer: nameText(fields.issuer),
      serialNumber: serialNumberHex(fields.serialNumber),
      notBefore: fields.notBefore,
      notAfter: fields.notAfter,
      pem: certificatePem(der),
    };
  } catch {
    throw invalid('The certificate is not a readable X.509 PEM certificate', 'unreadable');
  }
}

const issuerSerialHash = (certificate: ReadCertificate): string =>
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
  const usage = certificate.fields.keyUsage;
  if (usage && !((usage[0] ?? 0) & (KEY_USAGE.digitalSignature | KEY_USAGE.nonRepudiation))) {
    throw invalid(
      'The certificate’s key usage allows neither digitalSignature nor nonRepudiation',
      'key-usage',
    );
  }
  if (certificate.ca) throw invalid('A CA certificate cannot be registered for signing', 'ca-certificate');
  const anchors = await signingCapability().trustAnchors();
  const result = await checkChain(
    certificate.der,
    chain.map((entry) => entry.der),
    { ...anchors, crls: [...(anchors.crls ?? []), ...(input.crlPem ? [input.crlPem] : [])] },
    at,
  );
  if (!result.trusted)
    throw invalid('The certificate does not chain to a trusted root of the province', 'untrusted');
  if (result.revocation === 'revoked') throw invalid('The certificate is revoked (CRL)', 'revoked');
  const commonName = nameValues(certificate.fields.subject, ATTRIBUTE.commonName)[0] ?? '';
  const organization = nameValues(certificate.fields.subject, ATTRIBUTE.organization)[0];
  return {
    certificate,
    kind: kindOf(commonName, organization),
    subject: {
      commonName,
      ...(organization ? { organization } : {}),
      dn: nameText(certificate.fields.subject),
    },
    revocation: result.revocation === 'good' ? ('good' as const) : ('unknown' as const),
    chainPem: chain.map((entry) => entry.pem),
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
    fingerprint: createHash('sha256').update(certificate.der).digest('hex'),
    revocation: examined.revocation,
    certificatePem: certificate.pem,
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

export const BindSealKey = z
  .strictObject({
    agencyCode: agencyCodeSchema,
    /** The asymmetric KMS key (id, ARN or alias) holding the seal's private key (tag vnpp:purpose=agency-seal). */
    kmsKeyId: z.string().check(z.minLength(1), z.maxLength(2048)),
    /** The agency's organization certificate for that key, and intermediates. */
    certificatePem: pemSchema,
    chainPem: z.optional(z.array(pemSchema).check(z.maxLength(5))),
  })
  .register(z.globalRegistry, { id: 'BindSealKey' });
export type BindSealKey = z.infer<typeof BindSealKey>;

export const SealKeyBinding = z
  .object({
    agencyCode: agencyCodeSchema,
    kmsKeyId: z.string(),
    certificate: z.object({ commonName: z.string(), serialNumber: z.string(), notAfter: z.iso.datetime() }),
    boundAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'SealKeyBinding' });
export type SealKeyBinding = z.infer<typeof SealKeyBinding>;

/**
 * Binds an agency's seal to a KMS key and its organization certificate (replacing an earlier binding).
 * In AWS `sealPdf` then signs with that key; the local runtime's seal keys come from the local PKI.
 */
export async function bindSealKey(input: BindSealKey, change: ChangeContext): Promise<SealKeyBinding> {
  const at = now();
  const examined = await examineCertificate(
    { certificatePem: input.certificatePem, ...(input.chainPem ? { chainPem: input.chainPem } : {}) },
    at,
  );
  if (examined.kind !== 'organization') {
    throw invalid('A seal key needs an organization certificate (CN equal to O)', 'not-organization');
  }
  const binding: SealKeyBinding = {
    agencyCode: input.agencyCode,
    kmsKeyId: input.kmsKeyId,
    certificate: {
      commonName: examined.subject.commonName,
      serialNumber: examined.certificate.serialNumber,
      notAfter: examined.certificate.notAfter.toISOString(),
    },
    boundAt: at.toISOString(),
  };
  await commitChange({
    context: change,
    agencyCode: input.agencyCode,
    action: 'seal-key.bound',
    entity: { type: ENTITY_SEAL_KEY, id: input.agencyCode },
    after: binding,
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: {
              ...sealKeyKey(input.agencyCode),
              entityType: ENTITY_SEAL_KEY,
              ...binding,
              certificateChainPem: [examined.certificate.pem, ...examined.chainPem],
            },
          },
        },
      },
    ],
  });
  return binding;
}
