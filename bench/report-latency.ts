/**
 * Report latency at 1k and at 100k dossiers (issue 9): the same report, a district and its
 * communes over one month grouped by agency (`GET /v1/reports/dossiers`, the handler in-process),
 * measured after importing 1,000 dossiers through the import path, then after importing 100,000
 * (the same import id, so the same aggregate items are rewritten with larger counts). Every
 * agency-day already has dossiers at 1k, so both states read the same number of items: what grows
 * is the counts, not the work. Target: p50 at 100k ≤ 1.5 × p50 at 1k.
 */
import type { LocalPlatform } from '#infra/local/platform.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import type { DossierRecord } from '#shared/reports/dossier-facts.ts';
import { importRecords } from '#shared/reports/import.ts';
import { ratio, type Summary, summarize } from './stats.ts';
import { apiEvent, invoke } from './warm-latency.ts';

export interface ReportLatencyResult {
  readonly endpoint: string;
  readonly agencies: number;
  readonly days: number;
  readonly small: { readonly dossiers: number; readonly latency: Summary };
  readonly large: { readonly dossiers: number; readonly latency: Summary };
  /** p50 at 100k / p50 at 1k. */
  readonly ratioP50: number;
  readonly ratioP99: number;
}

const MONTH = { from: '2025-03-01', to: '2025-03-31', days: 31 };
const FIELDS = ['Hộ tịch', 'Đất đai', 'Xây dựng', 'Chứng thực', 'Đăng ký kinh doanh'];

function* rows(count: number, agencies: readonly string[]): Generator<DossierRecord> {
  for (let i = 0; i < count; i += 1) {
    const day = String(1 + (i % MONTH.days)).padStart(2, '0');
    const agency = agencies[Math.floor(i / MONTH.days) % agencies.length]!;
    const returned = i % 10 !== 0;
    yield {
      id: `bench-${i}`,
      agency,
      field: FIELDS[i % FIELDS.length]!,
      channel: i % 3 === 0 ? 'online' : 'counter',
      delivery: i % 20 === 0 ? 'postal' : 'counter',
      interAgency: i % 7 === 0,
      fullyOnline: i % 6 === 0,
      receivedAt: `2025-03-${day}T02:00:00.000Z`,
      status: returned ? 'returned' : 'open',
      finishedAt: returned ? `2025-03-${day}T08:00:00.000Z` : null,
      outcome: returned ? (i % 9 === 0 ? 'late' : i % 2 === 0 ? 'early' : 'on-time') : null,
    };
  }
}

export async function measureReportLatency(
  platform: LocalPlatform,
  options: { small: number; large: number; warmup: number; samples: number; log: (message: string) => void },
): Promise<ReportLatencyResult> {
  const district = demoAgencies.vinhYen;
  const agencies = [
    district,
    ...platform.province.agencies
      .filter((agency) => agency.parentCode === district)
      .map((agency) => agency.code),
  ];
  const admin = platform.province.demoUsers.find((user) => user.username === 'admin.province');
  if (!admin) throw new Error('The demo province has no admin.province');
  const token = await platform.issuer.mint(admin, { expiresInSeconds: 86_400 });
  const importId = `bench-report-${Date.now().toString(36)}`;
  const call = {
    method: 'GET' as const,
    path: `/v1/reports/dossiers?agency=${district}&from=${MONTH.from}&to=${MONTH.to}&children=true&groupBy=agency`,
    token,
  };
  apiEvent(call); // fails fast when the route is missing

  const measure = async (): Promise<Summary> => {
    for (let i = 0; i < options.warmup; i += 1) await invoke(call);
    const times: number[] = [];
    for (let i = 0; i < options.samples; i += 1) {
      const started = performance.now();
      const result = await invoke(call);
      times.push(performance.now() - started);
      if (result.statusCode !== 200)
        throw new Error(`report answered ${result.statusCode}: ${result.body ?? ''}`);
    }
    return summarize(times);
  };

  options.log(
    `reports: importing ${options.small} dossiers (${agencies.length} agencies × ${MONTH.days} days)`,
  );
  await importRecords({ importId, kind: 'dossiers', rows: rows(options.small, agencies) });
  const small = await measure();
  options.log(`reports: p50 ${small.p50.toFixed(2)} ms at ${options.small}; importing ${options.large}`);
  await importRecords({ importId, kind: 'dossiers', rows: rows(options.large, agencies) });
  const large = await measure();
  options.log(`reports: p50 ${large.p50.toFixed(2)} ms at ${options.large}`);
  return {
    endpoint: 'GET /v1/reports/dossiers (district + communes, one month, by agency)',
    agencies: agencies.length,
    days: MONTH.days,
    small: { dossiers: options.small, latency: small },
    large: { dossiers: options.large, latency: large },
    ratioP50: ratio(large.p50, small.p50),
    ratioP99: ratio(large.p99, small.p99),
  };
}

/** One line for the bench report. */
export const describeReportLatency = (result: ReportLatencyResult): string =>
  `${result.endpoint}, ${result.agencies} agencies × ${result.days} days: p50 ${result.small.latency.p50.toFixed(2)} ms ` +
  `at ${result.small.dossiers} dossiers, ${result.large.latency.p50.toFixed(2)} ms at ${result.large.dossiers} ` +
  `→ ${result.ratioP50.toFixed(2)}× (p99 ${result.ratioP99.toFixed(2)}×)`;
