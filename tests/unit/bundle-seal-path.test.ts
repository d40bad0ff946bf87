/**
 * Keeps the seal path lean (issue 10): the payment-receipts worker writes its receipts with
 * shared/pdf/writer.ts and seals them through shared/signing/sealing.ts and pdf-signature.ts, which
 * must not reach the verifier itself, the certificate registry, the local test PKI, or any PDF or
 * font library (pdf-lib, fontkit: the receipt carries its signature field from the start, so nothing
 * reads it back). No deployed function reaches an ASN.1 library (asn1js, @peculiar/*, tsyringe: ~280
 * KB minified; signatures are read with shared/signing/der.ts and node:crypto), nor the local test
 * PKI, which is never deployed: the local runtime and the tests install it
 * (shared/signing/local-provider.ts); nor the SDK's S3 and KMS clients, which our small clients
 * replace (shared/platform/s3.ts, kms.ts: ~165 KB and ~27 KB minified per function); nor pdf-lib,
 * @pdf-lib/* or pako, which our PDF reader replaces (shared/pdf/reader.ts: ~135 KB minified).
 *
 * The import graphs come from esbuild's metafile (every module resolved, before tree shaking) with
 * the deployed main fields, alias and define (infra/cdk/bundling.ts); nothing is written.
 * `npm run bench:sizes -- payment-receipts` shows the bytes.
 */
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { apiFunctions } from '#functions/routes.ts';
import { workers } from '#functions/workers.ts';
import { LAMBDA_BUNDLING } from '#infra/cdk/bundling.ts';
import { REPO_ROOT } from '#infra/cdk/paths.ts';

const RECEIPTS = 'functions/payments/receipts.ts';

/** In no deployed function: the ASN.1/X.509 libraries the verifier used before shared/signing/der.ts. */
const ASN1_LIBRARIES = [
  /node_modules\/asn1js\//,
  /node_modules\/@peculiar\//,
  /node_modules\/tsyringe\//,
  /node_modules\/pvtsutils\//,
  /node_modules\/pvutils\//,
  /^shared\/signing\/reflect-metadata\.ts$/,
];

/** Not in a function that only seals: the verifier, the registry, the PDF reader and font library. */
const NOT_ON_THE_SEAL_PATH = [
  ...ASN1_LIBRARIES,
  /^shared\/signing\/(verify|cms-verify|crl|certificates|index)\.ts$/,
  // The PDF reader and the font library.
  /node_modules\/(pdf-lib|@pdf-lib)\//,
  /^shared\/signing\/(pades|seal)\.ts$/,
  /^shared\/pdf\/(reader|pages)\.ts$/,
];
const LOCAL_PKI = /^shared\/signing\/local-(pki|provider)\.ts$/;
/**
 * In no deployed function: pdf-lib (its core was 135 KB minified in each function that signed) and
 * what it brings; PDFs are read with shared/pdf/reader.ts. Kept for tests as the reader's oracle.
 */
const PDF_LIBRARIES = [/node_modules\/(pdf-lib|@pdf-lib|pako)\//];
/** The XML stack before shared/xml/ (~280 KB minified in documents); test oracles now. */
const XML_LIBRARIES = [/node_modules\/(@xmldom|xpath|xml-crypto)\//];
/** Test oracles and local tooling only (devDependencies). */
const SDK_CLIENTS_REPLACED = [/node_modules\/@aws-sdk\/(client-s3|client-kms|s3-request-presigner)\//];

async function importGraph(entryPoints: readonly string[]): Promise<Metafile> {
  const alias = Object.fromEntries(
    LAMBDA_BUNDLING.esbuildArgs['--alias'].map((item) => item.split('=') as [string, string]),
  );
  const { metafile } = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [...entryPoints],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    outdir: 'out',
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    define: LAMBDA_BUNDLING.define,
    alias,
    logLevel: 'silent',
  });
  return metafile;
}

/** For each module matching a pattern: the import chain from an entry point to it (the first 20). */
function offenders(metafile: Metafile, entries: readonly string[], patterns: readonly RegExp[]): string[] {
  const via = new Map<string, string | undefined>(entries.map((entry) => [entry, undefined]));
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const { path } of metafile.inputs[file]?.imports ?? []) {
      if (via.has(path) || !metafile.inputs[path]) continue;
      via.set(path, file);
      queue.push(path);
    }
  }
  const chain = (file: string): string => {
    const parent = via.get(file);
    return parent === undefined ? file : `${chain(parent)} → ${file}`;
  };
  const found = [...via.keys()].filter((file) => patterns.some((pattern) => pattern.test(file)));
  return [...found.slice(0, 20).map(chain), ...(found.length > 20 ? [`… ${found.length - 20} more`] : [])];
}

describe('the seal path', () => {
  it('payment-receipts reaches no ASN.1/X.509/PDF library, verifier, certificate registry or local PKI', async () => {
    const metafile = await importGraph([RECEIPTS]);
    const graph = Object.keys(metafile.inputs);
    expect(graph).toContain('shared/signing/sealing.ts');
    expect(graph).toContain('shared/signing/cms.ts');
    expect(graph).toContain('shared/signing/pdf-signature.ts');
    expect(graph).toContain('shared/pdf/writer.ts');
    expect(offenders(metafile, [RECEIPTS], [...NOT_ON_THE_SEAL_PATH, LOCAL_PKI])).toEqual([]);
  });

  const entries = [...apiFunctions, ...workers].map((fn) => fn.entry);
  let deployed: Promise<Metafile> | undefined;
  /** The import graph of every deployed function, built once. */
  const deployedGraph = () => {
    deployed ??= importGraph(entries);
    return deployed;
  };

  it('no deployed function reaches the local test PKI or an ASN.1 library', async () => {
    expect(entries).toContain(RECEIPTS);
    const metafile = await deployedGraph();
    // The verifier is bundled where it is used, and the pattern would find it there.
    expect(offenders(metafile, entries, [/^shared\/signing\/verify\.ts$/]).length).toBeGreaterThan(0);
    expect(offenders(metafile, entries, [LOCAL_PKI])).toEqual([]);
    expect(offenders(metafile, entries, ASN1_LIBRARIES)).toEqual([]);
    // The patterns find these libraries where they are: the local test PKI is built on them.
    expect(
      offenders(
        await importGraph(['shared/signing/local-pki.ts']),
        ['shared/signing/local-pki.ts'],
        ASN1_LIBRARIES,
      ).length,
    ).toBeGreaterThan(0);
  });

  it('no deployed function reaches @aws-sdk/client-s3, its presigner or @aws-sdk/client-kms', async () => {
    const metafile = await deployedGraph();
    // Our clients are bundled where they are used, and the functions that seal reach KMS.
    expect(offenders(metafile, entries, [/^shared\/platform\/(s3|kms)\.ts$/])).toHaveLength(2);
    expect(offenders(metafile, entries, SDK_CLIENTS_REPLACED)).toEqual([]);
  });

  /** Libraries our own code replaced, kept as test oracles: [what, their pattern, our module, the oracle]. */
  const replacedByOurs = [
    [
      'pdf-lib, @pdf-lib/* or pako',
      PDF_LIBRARIES,
      /^shared\/pdf\/reader\.ts$/,
      'tests/support/pdf-oracle.ts',
    ],
    [
      '@xmldom/*, xpath or xml-crypto',
      XML_LIBRARIES,
      /^shared\/xml\/dsig\.ts$/,
      'tests/support/xml-oracle.ts',
    ],
  ] as const;

  it.each(replacedByOurs)('no deployed function reaches %s', async (_, libraries, ours, oracle) => {
    const metafile = await deployedGraph();
    // Our code is bundled where it is used, and the pattern finds the libraries in the oracle.
    expect(offenders(metafile, entries, [ours]).length).toBeGreaterThan(0);
    expect(offenders(metafile, entries, libraries)).toEqual([]);
    expect(offenders(await importGraph([oracle]), [oracle], libraries).length).toBeGreaterThan(0);
  });
});
