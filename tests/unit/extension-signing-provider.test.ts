/**
 * The worked signing-provider example (examples/signing-provider/, docs/extending.md § 4): agency
 * seal keys in a key store document (PKCS#8 keys + certificate chains made here with openssl: a
 * root, an intermediate CA, agency certificates), registered with `registerSealKeyProvider` and
 * chosen with SIGNING_PROVIDER. A PDF sealed through `signingCapability()` verifies TOTAL_PASSED
 * when its root is trusted, INDETERMINATE when not, TOTAL_FAILED when altered; pdfsig agrees.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSealKeyProvider, signingCapability } from '#shared/signing/index.ts';
import { alterSignedByte, nssDatabaseTrusting, pdfsig, samplePdf, tempDir } from '#tests/support/signing.ts';
import { fromFile, type KeyStore, keyStoreProvider } from '../../examples/signing-provider/key-store.ts';
import { KEY_STORE_PROVIDER } from '../../examples/signing-provider/register.ts';

const WARD = '000.21.21.H62';
const DEPARTMENT = '000.00.05.H62';
const PASSPHRASE = 'key-store-test-passphrase';
const savedEnv = { ...process.env };
let dir: string;
let cleanup: () => Promise<void>;
let rootPem: string;
let otherRootPem: string;
let storeFile: string;

/** A CA or leaf certificate made with openssl in `dir`. */
function pki(workDir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: workDir, stdio: 'pipe' });
  const read = (file: string) => readFileSync(join(workDir, file), 'utf8');
  const key = (name: string, kind: 'ec' | 'rsa') =>
    kind === 'ec'
      ? openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`)
      : openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`);
  writeFileSync(
    join(workDir, 'ca.cnf'),
    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
  );
  writeFileSync(
    join(workDir, 'seal.cnf'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n',
  );
  return {
    read,
    root(name: string, subject: string) {
      key(name, 'ec');
      openssl(
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-sha256',
        '-days',
        '3650',
        '-utf8',
        '-subj',
        subject,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
        '-out',
        `${name}.pem`,
      );
    },
    issue(
      name: string,
      kind: 'ec' | 'rsa',
      subject: string,
      issuer: string,
      extensions: 'ca.cnf' | 'seal.cnf',
    ) {
      key(name, kind);
      openssl('req', '-new', '-key', `${name}.key`, '-utf8', '-subj', subject, '-out', `${name}.csr`);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${issuer}.pem`,
        '-CAkey',
        `${issuer}.key`,
        '-CAcreateserial',
        '-sha256',
        '-days',
        '365',
        '-extfile',
        extensions,
        '-out',
        `${name}.pem`,
      );
    },
  };
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('key-store-'));
  const ca = pki(dir);
  ca.root('root', '/CN=Vendor Test Root CA/O=Vendor Test PKI/C=VN');
  ca.issue('intermediate', 'rsa', '/CN=Vendor Test Issuing CA/O=Vendor Test PKI/C=VN', 'root', 'ca.cnf');
  ca.issue('ward', 'ec', '/CN=UBND phường Liên Bảo/O=UBND phường Liên Bảo/C=VN', 'intermediate', 'seal.cnf');
  ca.issue(
    'department',
    'rsa',
    '/CN=Sở Tư pháp tỉnh Vĩnh Phúc/O=Sở Tư pháp tỉnh Vĩnh Phúc/C=VN',
    'intermediate',
    'seal.cnf',
  );
  // The department's key is an encrypted PKCS#8 key.
  execFileSync(
    'openssl',
    [
      'pkcs8',
      '-topk8',
      '-v2',
      'aes-256-cbc',
      '-in',
      'department.key',
      '-passout',
      `pass:${PASSPHRASE}`,
      '-out',
      'department.enc.key',
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  ca.root('other-root', '/CN=Another Root CA/O=Elsewhere/C=VN');
  rootPem = ca.read('root.pem');
  otherRootPem = ca.read('other-root.pem');
  const chain = (leaf: string) => [ca.read(`${leaf}.pem`), ca.read('intermediate.pem'), rootPem];
  const store: KeyStore = {
    agencies: {
      [WARD]: { keyPem: ca.read('ward.key'), certificateChainPem: chain('ward') },
      [DEPARTMENT]: { keyPem: ca.read('department.enc.key'), certificateChainPem: chain('department') },
      // A key that is not the certificate's, and a chain out of order.
      'wrong-key': { keyPem: ca.read('department.key'), certificateChainPem: chain('ward') },
      'wrong-chain': { keyPem: ca.read('ward.key'), certificateChainPem: [ca.read('ward.pem'), rootPem] },
    },
  };
  storeFile = join(dir, 'key-store.json');
  writeFileSync(storeFile, JSON.stringify(store));
  Object.assign(process.env, {
    SIGNING_PROVIDER: KEY_STORE_PROVIDER,
    SIGNING_KEY_STORE_FILE: storeFile,
    SIGNING_KEY_STORE_PASSPHRASE: PASSPHRASE,
    SIGNING_TRUSTED_ROOTS: rootPem,
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await cleanup();
});

describe('the key-store signing provider, through signingCapability()', () => {
  it('seals with an ECDSA and an (encrypted) RSA key; TOTAL_PASSED with the root trusted; pdfsig says valid', async () => {
    const signing = signingCapability();
    const once = await signing.sealPdf({
      agencyId: WARD,
      pdf: await samplePdf(),
      reason: 'Đóng dấu kết quả',
    });
    const twice = await signing.sealPdf({
      agencyId: DEPARTMENT,
      pdf: once,
      reason: 'Sao y',
      location: 'Vĩnh Phúc',
    });
    expect((await signing.sealKey(WARD)).algorithm).toBe('ECDSA_SHA_256');
    expect((await signing.sealKey(DEPARTMENT)).algorithm).toBe('RSASSA_PKCS1_V1_5_SHA_256');

    const report = await signing.verifyPdf(twice);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signatures.map((s) => s.signer.commonName)).toEqual([
      'UBND phường Liên Bảo',
      'Sở Tư pháp tỉnh Vĩnh Phúc',
    ]);
    for (const signature of report.signatures) {
      expect(signature).toMatchObject({ integrity: true, chainTrusted: true, validAtSigningTime: true });
    }
    expect(await signing.trustedRootsPem()).toEqual([rootPem.trim()]);

    const tool = await pdfsig(dir, twice);
    expect(tool.output.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    expect(tool.output).not.toMatch(/Syntax Error|Internal Error/);
    // With the root in an NSS database, pdfsig trusts the chain too.
    const trusted = await pdfsig(dir, twice, await nssDatabaseTrusting(dir, rootPem));
    expect(trusted.output.match(/Certificate Validation: Certificate is Trusted\./g)).toHaveLength(2);
  });

  it('INDETERMINATE when its root is not trusted, TOTAL_FAILED when a signed byte changes', async () => {
    const sealed = await signingCapability().sealPdf({ agencyId: WARD, pdf: await samplePdf(), reason: 'x' });
    // The same key store, verified by a provider trusting another root.
    registerSealKeyProvider('key-store-elsewhere', () =>
      keyStoreProvider({
        load: fromFile(storeFile),
        trustedRootsPem: [otherRootPem],
        passphrase: PASSPHRASE,
      }),
    );
    process.env.SIGNING_PROVIDER = 'key-store-elsewhere';
    try {
      const report = await signingCapability().verifyPdf(sealed);
      expect(report.indication).toBe('INDETERMINATE');
      expect(report.signatures[0]).toMatchObject({ integrity: true, chainTrusted: false });
    } finally {
      process.env.SIGNING_PROVIDER = KEY_STORE_PROVIDER;
    }
    const altered = await signingCapability().verifyPdf(alterSignedByte(sealed));
    expect(altered.indication).toBe('TOTAL_FAILED');
    expect((await pdfsig(dir, alterSignedByte(sealed))).output).not.toContain('Signature is Valid.');
  });

  it('refuses an unknown agency, a key that is not the certificate’s, a chain out of order', async () => {
    const signing = signingCapability();
    await expect(signing.sealKey('000.99.99.H62')).rejects.toThrow(/no seal key for agency 000.99.99.H62/);
    await expect(signing.sealKey('wrong-key')).rejects.toThrow(/does not match its certificate/);
    await expect(signing.sealKey('wrong-chain')).rejects.toThrow(/out of order/);
  });

  it('the built-in providers cannot be replaced', () => {
    expect(() =>
      registerSealKeyProvider('kms', () =>
        keyStoreProvider({ load: fromFile(storeFile), trustedRootsPem: [] }),
      ),
    ).toThrow(/built in/);
  });
});
