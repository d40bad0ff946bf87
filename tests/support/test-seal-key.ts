/**
 * A real seal key for tests of XML signatures: a test root CA and an agency organization
 * certificate it issued (made with /usr/bin/openssl), signing with node:crypto. Test keys only,
 * made per run in a temporary directory and deleted.
 */
import { execFileSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SealKey, SigningAlgorithm } from '#shared/signing/capability.ts';

export interface TestPki {
  readonly rootPem: string;
  readonly sealKey: SealKey;
  /** For tests that sign with other algorithms than KMS offers (the XML-DSig oracle). */
  readonly privateKeyPem: string;
}

export function createTestPki(
  options: { algorithm?: SigningAlgorithm; organization?: string; days?: number } = {},
): TestPki {
  const algorithm = options.algorithm ?? 'RSASSA_PKCS1_V1_5_SHA_256';
  const organization = options.organization ?? 'UBND thành phố Vĩnh Yên';
  const dir = mkdtempSync(join(tmpdir(), 'test-pki-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const newKey = (file: string) =>
    algorithm === 'ECDSA_SHA_256'
      ? openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file)
      : openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file);
  try {
    newKey('root.key');
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'root.key',
      '-sha256',
      '-days',
      '365',
      '-subj',
      '/CN=Test Root CA/O=Test PKI/C=VN',
      '-out',
      'root.pem',
    );
    newKey('seal.key');
    openssl(
      'req',
      '-new',
      '-key',
      'seal.key',
      '-utf8',
      '-subj',
      `/CN=${organization}/O=${organization}/C=VN`,
      '-out',
      'seal.csr',
    );
    writeFileSync(
      join(dir, 'ext.cnf'),
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,nonRepudiation\n',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      'seal.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-CAcreateserial',
      '-sha256',
      '-days',
      String(options.days ?? 30),
      '-extfile',
      'ext.cnf',
      '-out',
      'seal.pem',
    );
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    const rootPem = read('root.pem');
    const privateKey = read('seal.key');
    return {
      rootPem,
      privateKeyPem: privateKey,
      sealKey: {
        certificateChainPem: [read('seal.pem'), rootPem],
        algorithm,
        // Like KMS: SHA-256 over the message; ECDSA answered in DER.
        async sign(data) {
          return new Uint8Array(sign('sha256', data, privateKey));
        },
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
