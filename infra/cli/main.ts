/**
 * Ops CLI: `npm run cli -- <command> …` (run `npm run cli -- help`).
 *
 * It reaches the platform the way the other ops scripts do: next to `npm start` through
 * `.local-data/runtime.json`; in AWS through the environment (TABLE_NAME, AWS_REGION and AWS
 * credentials for imports; VNPP_API_URL and VNPP_TOKEN for exports).
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { listAgencies } from '#shared/agencies/repository.ts';
import { FAMILIES, type Family } from '#shared/reports/cells.ts';
import { rebuildAggregates } from '#shared/reports/rebuild.ts';
import { loadRuntimeEnv } from '../scripts/runtime-env.ts';
import { apiAccess, exportDossiers, exportReport, writeOutput } from './export.ts';
import { type ImportReport, type ImportTarget, runImport } from './import-engine.ts';
import { formatOf, UsageError } from './rows.ts';
import { agenciesTarget, proceduresTarget } from './targets/catalog.ts';
import { legacyDocumentsTarget, legacyDossiersTarget } from './targets/legacy.ts';
import { countIntoReports, toDocumentRecord, toDossierRecord } from './targets/report-history.ts';
import { CognitoUserDirectory, LocalUserDirectory, usersTarget } from './targets/users.ts';

const HELP = `Usage: npm run cli -- <command> [options]

Imports (CSV with a header row, JSON array or JSON Lines; validated first, every bad row named by line):
  import agencies <file>          agency tree (code,name,shortName,level,parentCode,address,phone,email,website)
  import procedures <file.json>   procedure catalog, as POST /v1/procedures takes it (form = JSON Schema)
                                  --catalog-agency <code>  root agency owning the catalog (default: the province root)
  import legacy-dossiers <file>   dossiers of an earlier one-stop system (code,agencyCode,procedureCode,
                                  procedureName,field,applicantKind,applicantName,channel,status,receivedAt,dueAt,returnedAt)
  import legacy-documents <file>  documents of an earlier system (agencyCode,direction,number,notation,
                                  documentType,subject,date,signedDigitally)
  users create <file>             staff accounts (username,fullName,roles separated by ;,agencyCode,email)
                                  --user-pool <id> | USER_POOL_ID  Cognito (AWS); else the local users file
                                  --users-file <path>   local users file (default .local-data/users.json)

  Import options:  --dry-run            validate only, write nothing
                   --checkpoint <file>  progress file (default <file>.checkpoint.json); an interrupted
                                        import resumes from it
                   --restart            ignore the checkpoint
                   --max-rate <rows/s>  throttle (protects the table's capacity)
                   --batch-size <n>     rows per write
                   --format csv|json|jsonl

Exports (through the API; --out <file>, --format csv|json, default csv to stdout):
  export dossiers --agency <code> --status <status>   an agency's dossiers in one status
  export report [--query key=value …]                 GET /v1/reports/dossiers (issue #9)
  Access:  --api <url> | VNPP_API_URL,  --token <jwt> | VNPP_TOKEN,  or locally --as <demo user>

Reports (issue #9):
  reports rebuild                 recompute the live aggregates of every family (dossiers, documents,
                                  payments, usage) from the records in the table and list the cells
                                  that differ; usage signatures, storageBytes and apiCalls cannot be
                                  recomputed from stored data and are kept as maintained
                                  --family <name>  only this family (repeatable)   --agency <code>  one agency
                                  --write          replace the differing live items by the recomputed ones
                                  exit 1 when cells differ and --write was not given

Exit codes: 0 done, 1 bad rows or a failure, 2 wrong usage.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean', default: false },
    checkpoint: { type: 'string' },
    restart: { type: 'boolean', default: false },
    'max-rate': { type: 'string' },
    'batch-size': { type: 'string' },
    format: { type: 'string' },
    'catalog-agency': { type: 'string' },
    'user-pool': { type: 'string' },
    'users-file': { type: 'string' },
    agency: { type: 'string' },
    family: { type: 'string', multiple: true },
    write: { type: 'boolean', default: false },
    status: { type: 'string' },
    query: { type: 'string', multiple: true },
    out: { type: 'string' },
    api: { type: 'string' },
    token: { type: 'string' },
    as: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const positiveInt = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return n;
};

function printReport(report: ImportReport): void {
  for (const error of report.errors) console.error(`  ${error.message}`);
  if (report.errorCount > report.errors.length) {
    console.error(`  … and ${report.errorCount - report.errors.length} more`);
  }
  const seconds = (report.durationMs / 1000).toFixed(1);
  if (report.errorCount > 0) {
    console.error(
      `${report.target}: ${report.errorCount} bad row(s) of ${report.rows}; nothing was imported.`,
    );
  } else if (report.dryRun) {
    console.log(`${report.target}: ${report.rows} rows are valid (dry run, nothing written) in ${seconds} s`);
  } else {
    console.log(
      `${report.target}: ${report.rows} rows — ${report.created} created, ${report.kept} already there` +
        `${report.resumedFrom ? ` (resumed after row ${report.resumedFrom})` : ''} in ${seconds} s`,
    );
  }
}

async function rootAgency(): Promise<string> {
  const page = await listAgencies({ level: 'province', limit: 100 });
  const root = page.items.find((agency) => agency.parentCode === null);
  if (!root)
    throw new UsageError('No root agency in the registry: import agencies first, or give --catalog-agency');
  return root.code;
}

async function importFile(
  target: ImportTarget<unknown>,
  file: string | undefined,
  afterImport?: (file: string) => Promise<void>,
): Promise<number> {
  if (!file) throw new UsageError(`Name the file to import: npm run cli -- import ${target.name} <file>`);
  const report = await runImport(target, {
    file,
    format: formatOf(file, values.format),
    dryRun: values['dry-run'],
    restart: values.restart,
    ...(values.checkpoint ? { checkpointFile: values.checkpoint } : {}),
    ...(values['max-rate'] ? { maxRate: positiveInt('max-rate', values['max-rate'])! } : {}),
    ...(values['batch-size'] ? { batchSize: positiveInt('batch-size', values['batch-size'])! } : {}),
  });
  printReport(report);
  const imported = !report.dryRun && report.errorCount === 0 && report.resumedFrom < report.rows;
  if (imported && afterImport) await afterImport(file);
  return report.errorCount > 0 ? 1 : 0;
}

/** Legacy records also count in the reports (issue #9's import library), idempotently. */
const countLegacy =
  <T>(kind: 'dossiers' | 'documents', target: ImportTarget<T>, toRecord: (record: T) => unknown) =>
  async (file: string) => {
    const result = await countIntoReports({
      kind,
      file,
      format: formatOf(file, values.format),
      parse: (row) => target.parse(row),
      toRecord,
    });
    console.log(
      `reports: ${result.rowsImported} legacy ${kind} counted into the reports (${result.source}, ${result.itemsWritten} aggregate items)`,
    );
  };

async function rebuildReports(): Promise<number> {
  const families = (values.family ?? [...FAMILIES]) as Family[];
  for (const family of families) {
    if (!FAMILIES.includes(family)) throw new UsageError(`--family is one of ${FAMILIES.join(', ')}`);
  }
  const result = await rebuildAggregates({
    families,
    write: values.write,
    ...(values.agency ? { agencies: [values.agency] } : {}),
    onProgress: (records) => console.error(`  ${records} records read`),
  });
  const { dossiers, outgoingDocuments, incomingDocuments, payments } = result.records;
  console.log(
    `reports rebuild (${families.join(', ')}): ${dossiers} dossiers, ${outgoingDocuments} outgoing and ` +
      `${incomingDocuments} incoming documents, ${payments} payments → ${result.items} aggregate items`,
  );
  for (const d of result.differences.slice(0, 200)) {
    console.log(`  ${d.family} ${d.agency} ${d.day} ${d.cell}: live ${d.live}, recomputed ${d.recomputed}`);
  }
  if (result.differences.length > 200) console.log(`  … and ${result.differences.length - 200} more`);
  console.log(
    result.differences.length === 0
      ? 'The live aggregates agree with the recomputation.'
      : `${result.differences.length} differing cell(s); ${values.write ? `${result.written} item(s) rewritten` : 'run with --write to repair'}.`,
  );
  if (result.notRecomputed.length > 0) {
    console.log(`Not recomputable from stored data (kept as maintained): ${result.notRecomputed.join(', ')}`);
  }
  // Differences left unrepaired are a failure (an ops check can run it without --write).
  return result.differences.length > 0 && !values.write ? 1 : 0;
}

async function main(): Promise<number> {
  const [command, subject, file] = positionals;
  if (values.help || !command || command === 'help') {
    console.log(HELP);
    return 0;
  }
  const needsTable = !values['dry-run'] || command === 'export';
  if (needsTable) await loadRuntimeEnv();
  else await loadRuntimeEnv().catch(() => undefined);
  const importId = file ? basename(file) : 'cli';

  if (command === 'import') {
    switch (subject) {
      case 'agencies':
        return importFile(agenciesTarget(importId) as ImportTarget<unknown>, file);
      case 'procedures':
        return importFile(
          proceduresTarget(
            importId,
            values['catalog-agency'] ?? (values['dry-run'] ? 'dry-run' : await rootAgency()),
          ) as ImportTarget<unknown>,
          file,
        );
      case 'legacy-dossiers': {
        const target = legacyDossiersTarget(importId);
        return importFile(
          target as ImportTarget<unknown>,
          file,
          countLegacy('dossiers', target, toDossierRecord),
        );
      }
      case 'legacy-documents': {
        const target = legacyDocumentsTarget(importId);
        return importFile(
          target as ImportTarget<unknown>,
          file,
          countLegacy('documents', target, toDocumentRecord),
        );
      }
      default:
        throw new UsageError(
          `Unknown import "${subject ?? ''}": agencies, procedures, legacy-dossiers, legacy-documents`,
        );
    }
  }
  if (command === 'reports' && subject === 'rebuild') return rebuildReports();
  if (command === 'users' && subject === 'create') {
    const pool = values['user-pool'] ?? process.env.USER_POOL_ID;
    const directory = pool
      ? new CognitoUserDirectory(pool)
      : new LocalUserDirectory(values['users-file'] ?? '.local-data/users.json');
    console.error(`users: into the ${directory.description}`);
    return importFile(usersTarget(directory) as ImportTarget<unknown>, file);
  }
  if (command === 'export') {
    const format = (values.format ?? 'csv') as 'csv' | 'json';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format is csv or json');
    const access = await apiAccess({
      ...(values.api ? { api: values.api } : {}),
      ...(values.token ? { token: values.token } : {}),
      ...(values.as ? { as: values.as } : {}),
    });
    let rows: Record<string, unknown>[];
    if (subject === 'dossiers') {
      if (!values.agency || !values.status)
        throw new UsageError('export dossiers needs --agency <code> and --status <status>');
      rows = await exportDossiers(access, values.agency, values.status);
    } else if (subject === 'report') {
      const query = Object.fromEntries(
        (values.query ?? []).map((pair) => {
          const at = pair.indexOf('=');
          if (at < 1) throw new UsageError(`--query takes key=value, not "${pair}"`);
          return [pair.slice(0, at), pair.slice(at + 1)];
        }),
      );
      rows = await exportReport(access, query);
    } else throw new UsageError(`Unknown export "${subject ?? ''}": dossiers, report`);
    await writeOutput(rows, format, values.out);
    console.error(`export ${subject}: ${rows.length} row(s)${values.out ? ` → ${values.out}` : ''}`);
    return 0;
  }
  throw new UsageError(
    `Unknown command "${[command, subject].filter(Boolean).join(' ')}". Run npm run cli -- help`,
  );
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
