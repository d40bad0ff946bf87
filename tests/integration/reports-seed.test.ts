/**
 * Acceptance: the seed scenario at full scale (about 1.64 million legacy rows: 240,326 dossiers and
 * 1,396,360 documents) through the import path yields exactly the seed counts, and the rates
 * computed from them, in the API and in every export (CSV, XLSX, PDF). Expected rates are computed
 * here from SEED's counts; the literal figures of the brief are asserted too, as a cross-check of
 * the rounding rule.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { importRecords } from '#shared/reports/import.ts';
import { call, PROVINCE_ADMIN } from '#tests/support/http.ts';
import {
  createScenarioTree,
  type ScenarioTree,
  SEED,
  seedDocumentRows,
  seedDossierRows,
} from '#tests/support/report-scenario.ts';

/** Percent rounded half up to 2 decimals, from counts. */
const percent = (numerator: number, denominator: number) =>
  Math.floor((numerator * 10_000 * 2 + denominator) / (2 * denominator)) / 100;
const oneDecimal = (value: number) => Math.round(value * 10) / 10;

type Rate = { numerator: number; denominator: number; percent: number | null };
type Counts =
  | 'received'
  | 'receivedOnline'
  | 'receivedAtCounter'
  | 'receivedByPost'
  | 'handled'
  | 'due'
  | 'onTimeOrEarly'
  | 'returnedLate'
  | 'incoming'
  | 'outgoing'
  | 'outgoingSigned'
  | 'incomingOverdue';
type Figures = Record<Counts, number> & Record<'onTimeRate' | 'signingRate', Rate>;
interface ReportBody {
  total: Figures;
  rows: { key: string; label: string; indicators: Figures }[];
  agencyCount: number;
}

let tree: ScenarioTree;
let imported: { dossiers: number; documents: number; ms: number };

const local = SEED.localDossiers;
const centre = SEED.centreDossiers;
const docs = SEED.documents;
const totalOutgoing = docs.department.outgoing + docs.district.outgoing + docs.commune.outgoing;
const totalSigned = docs.department.signed + docs.district.signed + docs.commune.signed;

const dossierQuery = (agency: string, extra = '') =>
  `/v1/reports/dossiers?agency=${agency}&from=${SEED.dossierPeriod.from}&to=${SEED.dossierPeriod.to}${extra}`;
const documentQuery = (extra = '') =>
  `/v1/reports/documents?agency=${tree.province}&from=${SEED.documentPeriod.from}&to=${SEED.documentPeriod.to}&children=true&groupBy=level${extra}`;

beforeAll(async () => {
  tree = await createScenarioTree();
  const started = performance.now();
  const dossiers = await importRecords({
    importId: `seed-dossiers-${tree.province.replaceAll('.', '-').toLowerCase()}`,
    kind: 'dossiers',
    rows: seedDossierRows(tree),
    checkpointEvery: 1_000_000,
  });
  const documents = await importRecords({
    importId: `seed-documents-${tree.province.replaceAll('.', '-').toLowerCase()}`,
    kind: 'documents',
    rows: seedDocumentRows(tree),
    checkpointEvery: 10_000_000,
  });
  expect(dossiers.rowsRejected).toBe(0);
  expect(documents.rowsRejected).toBe(0);
  imported = {
    dossiers: dossiers.rowsImported,
    documents: documents.rowsImported,
    ms: performance.now() - started,
  };
  console.info(
    `seed import: ${imported.dossiers} dossiers + ${imported.documents} documents, ` +
      `${dossiers.itemsWritten + documents.itemsWritten} aggregate items, ${Math.round(imported.ms)} ms`,
  );
}, 600_000);

describe('seed scenario through the import path (full scale)', () => {
  it('imported every row', () => {
    expect(imported.dossiers).toBe(
      local.handled -
        (local.received - local.openAtEnd) +
        local.received +
        centre.handled -
        (centre.received - centre.openAtEnd) +
        centre.received,
    );
    expect(imported.documents).toBe(
      docs.department.incoming + docs.district.incoming + docs.commune.incoming + totalOutgoing,
    );
  });

  it('district + commune dossiers: the seed counts and the on-time rate computed from them (90.84%)', async () => {
    const { status, body } = await call<ReportBody>(
      'GET',
      dossierQuery(tree.province, '&children=true&levels=district,commune&groupBy=level'),
      { as: PROVINCE_ADMIN },
    );
    expect(status).toBe(200);
    const total = body.total;
    expect(total.received).toBe(local.received);
    expect(total.handled).toBe(local.handled);
    expect(total.due).toBe(local.due);
    expect(total.onTimeOrEarly).toBe(local.onTimeOrEarly);
    expect(total.returnedLate).toBe(local.due - local.onTimeOrEarly);
    expect(total.receivedOnline + total.receivedAtCounter + total.receivedByPost).toBe(total.received);
    expect(total.onTimeRate).toEqual({
      numerator: local.onTimeOrEarly,
      denominator: local.due,
      percent: percent(local.onTimeOrEarly, local.due),
    });
    expect(total.onTimeRate.percent).toBe(90.84);
    expect(body.agencyCount).toBe(tree.districts.length + tree.communes.length);
    // The level rows add up to the total.
    expect(body.rows.map((row) => row.key).sort()).toEqual(['commune', 'district']);
    expect(body.rows.reduce((sum, row) => sum + row.indicators.due, 0)).toBe(local.due);
  });

  it('the province service centre: 99.63% on time', async () => {
    const { body } = await call<ReportBody>('GET', dossierQuery(tree.centre), { as: PROVINCE_ADMIN });
    expect(body.total.received).toBe(centre.received);
    expect(body.total.handled).toBe(centre.handled);
    expect(body.total.due).toBe(centre.due);
    expect(body.total.onTimeRate.percent).toBe(percent(centre.onTimeOrEarly, centre.due));
    expect(body.total.onTimeRate.percent).toBe(99.63);
  });

  it('documents by level: incoming, outgoing, signed, and the signing rates 96.1% / 99.1% / 96.1% / 92.6%', async () => {
    const { status, body } = await call<ReportBody>('GET', documentQuery(), { as: PROVINCE_ADMIN });
    expect(status).toBe(200);
    const byLevel = Object.fromEntries(body.rows.map((row) => [row.key, row.indicators]));
    for (const level of ['department', 'district', 'commune'] as const) {
      expect(byLevel[level]!.incoming).toBe(docs[level].incoming);
      expect(byLevel[level]!.outgoing).toBe(docs[level].outgoing);
      expect(byLevel[level]!.outgoingSigned).toBe(docs[level].signed);
      expect(byLevel[level]!.incomingOverdue).toBe(docs[level].incomingOverdue);
      expect(byLevel[level]!.signingRate.percent).toBe(percent(docs[level].signed, docs[level].outgoing));
    }
    expect(body.total.incoming).toBe(1_116_511);
    expect(body.total.outgoing).toBe(totalOutgoing);
    expect(body.total.outgoingSigned).toBe(totalSigned);
    expect(body.total.signingRate.percent).toBe(percent(totalSigned, totalOutgoing));
    expect(oneDecimal(body.total.signingRate.percent!)).toBe(96.1);
    expect(oneDecimal(byLevel.department!.signingRate.percent!)).toBe(99.1);
    expect(oneDecimal(byLevel.district!.signingRate.percent!)).toBe(96.1);
    expect(oneDecimal(byLevel.commune!.signingRate.percent!)).toBe(92.6);
  });

  it('CSV exports carry the same counts and rates', async () => {
    const dossierCsv = await call(
      'GET',
      dossierQuery(tree.province, '&children=true&levels=district,commune&groupBy=level&format=csv'),
      {
        as: PROVINCE_ADMIN,
      },
    );
    expect(dossierCsv.status).toBe(200);
    expect(dossierCsv.headers.get('content-type')).toContain('text/csv');
    const rows = parse(dossierCsv.text, { columns: true, bom: true }) as Record<string, string>[];
    const total = rows.find((row) => row.level === 'TOTAL')!;
    expect(Number(total.due)).toBe(local.due);
    expect(Number(total.onTimeOrEarly)).toBe(local.onTimeOrEarly);
    expect(Number(total.onTimeRatePercent)).toBe(90.84);

    const documentCsv = await call('GET', documentQuery('&format=csv'), { as: PROVINCE_ADMIN });
    const docRows = parse(documentCsv.text, { columns: true, bom: true }) as Record<string, string>[];
    const docTotal = docRows.find((row) => row.level === 'TOTAL')!;
    expect(Number(docTotal.outgoingSigned)).toBe(totalSigned);
    expect(Number(docTotal.signingRatePercent)).toBe(percent(totalSigned, totalOutgoing));
    expect(Number(docRows.find((row) => row.level === 'commune')!.signingRatePercent)).toBe(
      percent(docs.commune.signed, docs.commune.outgoing),
    );
  });

  it('XLSX exports carry the same counts and rates', async () => {
    const response = await fetch(
      `${(await import('#tests/support/http.ts')).baseUrl()}${documentQuery('&format=xlsx')}`,
      {
        headers: {
          authorization: `Bearer ${await (await import('#tests/support/http.ts')).tokenFor(PROVINCE_ADMIN)}`,
        },
      },
    );
    expect(response.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
    const file = join(dir, 'report.xlsx');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
    const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
    // Numbers are stored as numeric cells: the signed total, the outgoing total and the rate.
    expect(sheet).toContain(`<v>${totalSigned}</v>`);
    expect(sheet).toContain(`<v>${totalOutgoing}</v>`);
    expect(sheet).toContain(`<v>${percent(totalSigned, totalOutgoing)}</v>`);
    expect(sheet).toContain(`<v>${percent(docs.department.signed, docs.department.outgoing)}</v>`);
    expect(strings).toContain('signingRatePercent');
  });

  it('the monthly PDF shows the API figures', async () => {
    const month = '2021-11';
    const api = await call<ReportBody>(
      'GET',
      `/v1/reports/dossiers?agency=${tree.province}&from=2021-11-01&to=2021-11-30&children=true`,
      { as: PROVINCE_ADMIN },
    );
    const { baseUrl, tokenFor } = await import('#tests/support/http.ts');
    const response = await fetch(`${baseUrl()}/v1/reports/monthly?agency=${tree.province}&month=${month}`, {
      headers: { authorization: `Bearer ${await tokenFor(PROVINCE_ADMIN)}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'pdf-'));
    const file = join(dir, 'report.pdf');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Báo cáo tháng 11/2021');
    expect(text).toContain('Hồ sơ thủ tục hành chính');
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect(text).toContain(fmt(api.body.total.received));
    expect(text).toContain(fmt(api.body.total.due));
    expect(text).toContain(String(api.body.total.onTimeRate.percent));
    expect(api.body.total.received).toBeGreaterThan(0);
  });
});
