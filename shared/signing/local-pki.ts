/**
 * The local test PKI (local runtime and tests only; never deployed): a root CA that issues agency
 * seal (organization) certificates and personal certificates for demo users, and a CRL. Keys are
 * ECDSA P-256, generated on first use and kept under one folder (LOCAL_PKI_DIR: a temporary folder,
 * or `.local-data/pki` with `npm start`), so the platform process, the test workers and the
 * `/local/signing` helper all see the same keys. Nothing here is ever committed. It becomes the
 * `local` seal-key provider through ./local-provider.ts, which only the local runtime and the tests
 * load (no function imports this module: tests/unit/bundle-seal-path.test.ts).
 *
 * Files are created with link(2), which never overwrites: when two processes race to create the
 * same key, one wins and both use the winner's.
 */
import './reflect-metadata.ts';
import { createPrivateKey, randomBytes, sign, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  cryptoProvider,
  type JsonName,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  X509CrlGenerator,
} from '@peculiar/x509';
import type { SealKey } from './capability.ts';

cryptoProvider.set(webcrypto as never);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** Wide validity so tests that move the domain clock still sign inside it. */
const NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
const ROOT_NOT_AFTER = new Date('2045-12-31T23:59:59Z');
const LEAF_NOT_AFTER = new Date('2040-12-31T23:59:59Z');
const UID = '0.9.2342.19200300.100.1.1';

export interface KeyAndCertificate {
  /** PKCS#8 PEM. */
  readonly keyPem: string;
  readonly certificatePem: string;
}

export interface PersonalSubject {
  readonly username: string;
  readonly fullName: string;
  readonly agencyCode: string;
  /** End of validity (default far in the future; tests make short-lived ones). */
  readonly notAfter?: Date;
}

const fileName = (value: string): string => value.replace(/[^A-Za-z0-9._-]/g, '_');

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  return PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

const serial = (): string => {
  const bytes = randomBytes(12);
  bytes[0]! &= 0x7f;
  bytes[0]! |= 0x10;
  return bytes.toString('hex');
};

export class LocalPki {
  private readonly cache = new Map<string, Promise<KeyAndCertificate>>();

  constructor(readonly dir: string) {}

  /** The root CA (created on first use). */
  root(): Promise<KeyAndCertificate> {
    return this.entry('root', async () => {
      const keys = await newKeys();
      const certificate = await X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: [
          { CN: ['Local Test Root CA (vn-province-platform, not trusted)'] },
          { O: ['Demo PKI'] },
          { C: ['VN'] },
        ],
        notBefore: NOT_BEFORE,
        notAfter: ROOT_NOT_AFTER,
        keys,
        signingAlgorithm: SIGNING,
        extensions: [
          new BasicConstraintsExtension(true, undefined, true),
          new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
          await SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      return { keyPem: await keyPem(keys.privateKey), certificatePem: certificate.toString('pem') };
    });
  }

  /** The organization (seal) certificate of an agency: CN and O are the agency's name. */
  agencySeal(agencyCode: string, agencyName?: string): Promise<KeyAndCertificate> {
    const name = agencyName ?? `Cơ quan ${agencyCode}`;
    return this.entry(`seal-${fileName(agencyCode)}`, () =>
      this.issue([{ CN: [name] }, { O: [name] }, { [UID]: [agencyCode] }, { C: ['VN'] }]),
    );
  }

  /** A personal certificate: CN is the person's name, O the agency, UID the username. */
  personal(subject: PersonalSubject): Promise<KeyAndCertificate> {
    return this.entry(`person-${fileName(subject.username)}`, () =>
      this.issue(
        [
          { CN: [subject.fullName] },
          { O: [subject.agencyCode] },
          { [UID]: [subject.username] },
          { C: ['VN'] },
        ],
        subject.notAfter,
      ),
    );
  }

  /**
   * The root's CRL (PEM), listing what `revoke` revoked: issued a minute ago, next update in a week,
   * unless the options say otherwise (tests of stale and superseded lists; `nextUpdate: null` omits it).
   */
  async crlPem(
    options: { thisUpdate?: Date; nextUpdate?: Date | null; listRevoked?: boolean } = {},
  ): Promise<string> {
    const root = await this.root();
    const rootCertificate = new X509Certificate(root.certificatePem);
    const revoked = options.listRevoked === false ? [] : await this.revokedSerials();
    const nextUpdate =
      options.nextUpdate === undefined ? new Date(Date.now() + 7 * 86_400_000) : options.nextUpdate;
    const crl = await X509CrlGenerator.create({
      issuer: rootCertificate.subject,
      thisUpdate: options.thisUpdate ?? new Date(Date.now() - 60_000),
      ...(nextUpdate ? { nextUpdate } : {}),
      signingAlgorithm: SIGNING,
      signingKey: await importSigningKey(root.keyPem),
      entries: revoked.map((entry) => ({ serialNumber: entry.serial, revocationDate: new Date(entry.at) })),
      extensions: [await AuthorityKeyIdentifierExtension.create(rootCertificate.publicKey)],
    });
    return crl.toString('pem');
  }

  async revoke(certificatePem: string, at = new Date()): Promise<void> {
    const revoked = await this.revokedSerials();
    revoked.push({ serial: new X509Certificate(certificatePem).serialNumber, at: at.toISOString() });
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, 'revoked.json'), JSON.stringify(revoked));
  }

  /** A seal key signing with a local private key (the same interface KMS keys have in AWS). */
  async sealKey(agencyCode: string, agencyName?: string): Promise<SealKey> {
    const [seal, root] = await Promise.all([this.agencySeal(agencyCode, agencyName), this.root()]);
    return localKey(seal, [root.certificatePem]);
  }

  private async revokedSerials(): Promise<{ serial: string; at: string }[]> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'revoked.json'), 'utf8')) as {
        serial: string;
        at: string;
      }[];
    } catch {
      return [];
    }
  }

  private async issue(subject: JsonName, notAfter = LEAF_NOT_AFTER): Promise<KeyAndCertificate> {
    const root = await this.root();
    const rootCertificate = new X509Certificate(root.certificatePem);
    const keys = await newKeys();
    const certificate = await X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: rootCertificate.subject,
      notBefore: NOT_BEFORE,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: await importSigningKey(root.keyPem),
      signingAlgorithm: SIGNING,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, true),
        await SubjectKeyIdentifierExtension.create(keys.publicKey),
        await AuthorityKeyIdentifierExtension.create(rootCertificate.publicKey),
      ],
    });
    return { keyPem: await keyPem(keys.privateKey), certificatePem: certificate.toString('pem') };
  }

  private entry(name: string, create: () => Promise<KeyAndCertificate>): Promise<KeyAndCertificate> {
    let pending = this.cache.get(name);
    if (!pending) {
      pending = this.load(name, create);
      pending.catch(() => this.cache.delete(name));
      this.cache.set(name, pending);
    }
    return pending;
  }

  private async load(name: string, create: () => Promise<KeyAndCertificate>): Promise<KeyAndCertificate> {
    const path = join(this.dir, `${name}.json`);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as KeyAndCertificate;
    } catch {
      // created below
    }
    await mkdir(this.dir, { recursive: true });
    const created = await create();
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, JSON.stringify(created), { mode: 0o600 });
    try {
      await link(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    return JSON.parse(await readFile(path, 'utf8')) as KeyAndCertificate;
  }
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', PemConverter.decodeFirst(pem), EC, false, ['sign']);
}

/** Signs with a private key in this process: SHA-256, ECDSA signatures DER-encoded (as KMS returns them). */
export function localKey(entry: KeyAndCertificate, issuersPem: readonly string[]): SealKey {
  const key = createPrivateKey(entry.keyPem);
  return {
    certificateChainPem: [entry.certificatePem, ...issuersPem],
    algorithm: key.asymmetricKeyType === 'rsa' ? 'RSASSA_PKCS1_V1_5_SHA_256' : 'ECDSA_SHA_256',
    sign: async (data) => new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'der' })),
  };
}
