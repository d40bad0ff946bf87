/**
 * After a legacy import completes, its records are counted into the reports (issue #9) through
 * the reports engine's own import library (shared/reports/import.ts): the same facts as live
 * events, summed over the whole file per agency and day, written as the import's aggregate items
 * (source `import#<importId>`). The sums are PUT, so running it again (a re-run, a resumed import)
 * rewrites the same totals: nothing is counted twice.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { outcomeOf } from '#shared/dossiers/dossier.ts';
import { type ImportResult, importRecords } from '#shared/reports/import.ts';
import { type FileFormat, type Row, readRows } from '../rows.ts';
import type { LegacyDocument, LegacyDossier } from './legacy.ts';

/** The reports' import id for a file: a slug from its name and content. */
export function reportImportId(kind: string, file: string, sha256: string): string {
  const base = file
    .split('/')
    .pop()!
    .toLowerCase()
    .replace(/\.[a-z0-9]+$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `legacy-${kind}-${base || 'file'}-${sha256.slice(0, 8)}`.slice(0, 64);
}

export const toDossierRecord = (d: LegacyDossier) => ({
  id: `${d.agencyCode}#${d.code}`,
  agency: d.agencyCode,
  field: d.field ?? d.procedureName ?? d.procedureCode,
  procedureCode: d.procedureCode.slice(0, 64),
  channel: d.channel,
  receivedAt: d.receivedAt,
  status: d.status === 'processing' ? ('open' as const) : d.status,
  finishedAt: d.returnedAt ?? null,
  outcome: d.returnedAt ? outcomeOf(d.dueAt, d.returnedAt) : null,
});

export const toDocumentRecord = (d: LegacyDocument) => ({
  id: `${d.agencyCode}#${d.direction}#${d.date.slice(0, 4)}#${d.number}`,
  agency: d.agencyCode,
  direction: d.direction,
  at: `${d.date}T00:00:00+07:00`,
  ...(d.signedDigitally === undefined ? {} : { signed: d.signedDigitally }),
});

export async function countIntoReports<T>(options: {
  kind: 'dossiers' | 'documents';
  file: string;
  format: FileFormat;
  parse: (row: Row) => T;
  toRecord: (record: T) => unknown;
}): Promise<ImportResult> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(options.file)) hash.update(chunk as Buffer);
  const importId = reportImportId(options.kind, options.file, hash.digest('hex'));
  async function* records() {
    for await (const row of readRows(options.file, options.format))
      yield options.toRecord(options.parse(row));
  }
  return importRecords({ importId, kind: options.kind, rows: records() });
}
