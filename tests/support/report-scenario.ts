/**
 * The seed scenario of the reports (domain.md §1 and §2), as legacy rows for the import path:
 * Vĩnh Phúc's dossiers to 14/11/2021 (district + commune one-stop software, and the province service
 * centre) and its official documents to 14/12/2021, at full scale (about 1.64 million rows),
 * generated deterministically so that the seed counts hold exactly. The figures a report must show
 * are in SEED; the rates are never written here: tests compute them from these counts.
 */
import vinhPhuc, { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { createAgency } from '#shared/agencies/repository.ts';
import type { DocumentRecord } from '#shared/reports/document-facts.ts';
import type { DossierRecord } from '#shared/reports/dossier-facts.ts';

export const SEED = {
  /** District + commune one-stop software, 1/1/2021 – 14/11/2021. */
  localDossiers: {
    received: 157_054,
    handled: 164_063,
    due: 161_578,
    onTimeOrEarly: 146_777,
    early: 120_000,
    openAtEnd: 10_000,
  },
  /** Province public administrative service centre, same period. */
  centreDossiers: {
    received: 51_754,
    handled: 61_263,
    due: 51_007,
    onTimeOrEarly: 50_817,
    early: 40_000,
    openAtEnd: 5_000,
  },
  dossierPeriod: { from: '2021-01-01', to: '2021-11-14' },
  /** Incoming documents by level, outgoing and signed outgoing by level, to 14/12/2021. */
  documents: {
    department: { incoming: 319_228, outgoing: 106_457, signed: 105_537, incomingOverdue: 3_100 },
    district: { incoming: 157_487, outgoing: 80_037, signed: 76_936, incomingOverdue: 2_000 },
    commune: { incoming: 639_796, outgoing: 93_355, signed: 86_485, incomingOverdue: 9_000 },
  },
  documentPeriod: { from: '2021-01-01', to: '2021-12-14' },
} as const;

/** The agencies the scenario's rows belong to (the demo tree's shape: 19 departments, a service centre, 9 districts, 28 communes). */
export interface ScenarioTree {
  readonly province: string;
  readonly centre: string;
  readonly departments: readonly string[];
  readonly districts: readonly string[];
  readonly communes: readonly string[];
}

const CENTRE = '000.00.20.H62';
const byLevel = (level: string) =>
  vinhPhuc.agencies.filter((agency) => agency.level === level).map((agency) => agency.code);

export const demoScenarioTree: ScenarioTree = {
  province: demoAgencies.province,
  centre: CENTRE,
  departments: byLevel('department').filter((code) => code !== CENTRE),
  districts: byLevel('district'),
  communes: byLevel('commune'),
};

/** Working days (Mon–Fri) between two days, inclusive, as `YYYY-MM-DD`. */
function workingDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** An instant on a Vietnam day (09:00 + minutes, local time). */
const at = (day: string, minutes: number) => {
  const m = minutes % 480;
  const hh = String(2 + Math.floor(m / 60)).padStart(2, '0');
  const mm = String(m % 60).padStart(2, '0');
  return `${day}T${hh}:${mm}:00.000Z`;
};

const FIELDS = ['Hộ tịch', 'Đất đai', 'Xây dựng', 'Đăng ký kinh doanh', 'Chứng thực'];

interface DossierCounts {
  received: number;
  handled: number;
  due: number;
  onTimeOrEarly: number;
  early: number;
  openAtEnd: number;
}

/**
 * Dossiers of one scenario: A received before the period and finished in it, B received and finished
 * in it, C received in it and still open. received = B + C; handled = A + B = returned + denied.
 */
function* dossierRows(
  prefix: string,
  agencies: readonly string[],
  counts: DossierCounts,
): Generator<DossierRecord> {
  const before = workingDays('2020-12-01', '2020-12-31');
  const period = workingDays(SEED.dossierPeriod.from, SEED.dossierPeriod.to);
  const inPeriodFinished = counts.received - counts.openAtEnd; // B
  const carriedOver = counts.handled - inPeriodFinished; // A
  const total = carriedOver + counts.received;
  for (let i = 0; i < total; i += 1) {
    const agency = agencies[i % agencies.length]!;
    const field = FIELDS[i % FIELDS.length]!;
    const isA = i < carriedOver;
    const isOpen = i >= carriedOver + inPeriodFinished;
    const receivedDay = isA ? before[i % before.length]! : period[(i * 7) % period.length]!;
    const receivedIndex = isA ? 0 : (i * 7) % period.length;
    const finishedDay = isA
      ? period[i % 40]!
      : period[Math.min(period.length - 1, receivedIndex + (i % 15))]!;
    // Handled dossiers in order: returned early, on time, late, then denied.
    const h = isOpen ? -1 : i;
    let status: DossierRecord['status'] = 'open';
    let outcome: DossierRecord['outcome'] = null;
    if (h >= 0) {
      if (h < counts.early) [status, outcome] = ['returned', 'early'];
      else if (h < counts.onTimeOrEarly) [status, outcome] = ['returned', 'on-time'];
      else if (h < counts.due) [status, outcome] = ['returned', 'late'];
      else status = 'denied';
    }
    const channel = i % 10 < 4 ? 'online' : i % 50 === 7 ? 'postal' : 'counter';
    yield {
      id: `${prefix}-${i}`,
      agency,
      field,
      procedureCode: `1.00${i % 9}`,
      channel,
      delivery: i % 20 === 3 ? 'postal' : channel === 'online' ? 'online' : 'counter',
      interAgency: i % 17 === 0,
      fullyOnline: channel === 'online' && i % 3 === 0,
      receivedAt: at(receivedDay, i),
      status,
      finishedAt: status === 'open' ? null : at(finishedDay, i + 300),
      outcome,
      ...(i % 23 === 0 ? { pausedAt: [at(receivedDay, i + 60)] } : {}),
      ...(outcome === 'late' && i % 2 === 0 ? { overdueDueAts: [at(finishedDay, 0)] } : {}),
    };
  }
}

export function* seedDossierRows(tree: ScenarioTree = demoScenarioTree): Generator<DossierRecord> {
  yield* dossierRows('vp-local', [...tree.districts, ...tree.communes], SEED.localDossiers);
  yield* dossierRows('vp-centre', [tree.centre], SEED.centreDossiers);
}

export function* seedDocumentRows(tree: ScenarioTree = demoScenarioTree): Generator<DocumentRecord> {
  const days = workingDays(SEED.documentPeriod.from, SEED.documentPeriod.to);
  const levels = [
    ['department', tree.departments],
    ['district', tree.districts],
    ['commune', tree.communes],
  ] as const;
  let n = 0;
  for (const [level, agencies] of levels) {
    const counts = SEED.documents[level];
    for (let i = 0; i < counts.incoming; i += 1, n += 1) {
      const dayIndex = (i * 13) % days.length;
      const day = days[dayIndex]!;
      const overdue = i < counts.incomingOverdue;
      yield {
        id: `vp-in-${n}`,
        agency: agencies[i % agencies.length]!,
        direction: 'incoming',
        at: at(day, i),
        ...(overdue ? { dueAt: at(days[Math.min(days.length - 1, dayIndex + 10)]!, 0), overdue } : {}),
      };
    }
    for (let i = 0; i < counts.outgoing; i += 1, n += 1) {
      yield {
        id: `vp-out-${n}`,
        agency: agencies[i % agencies.length]!,
        direction: 'outgoing',
        at: at(days[(i * 11) % days.length]!, i),
        signed: i < counts.signed,
      };
    }
  }
}

/**
 * Creates a fresh agency tree of the scenario's shape (through the agency repository, as the
 * province admin would), so a test's aggregates are its own whatever other tests import.
 */
export async function createScenarioTree(): Promise<ScenarioTree> {
  const context = {
    actor: { type: 'system' as const, name: 'report-scenario' },
    correlationId: 'report-scenario',
  };
  const run = String(100 + Math.floor(Math.random() * 900));
  const group = String(10 + Math.floor(Math.random() * 90));
  let n = 0;
  const code = () => `${run}.${String(100 + n++).padStart(3, '0')}.${group}.S${group}`;
  const create = async (level: string, parentCode: string | null, name: string) => {
    const agency = await createAgency({ code: code(), name, level, parentCode }, context);
    return agency.code;
  };
  const province = await create('province', null, 'UBND tỉnh (kịch bản báo cáo)');
  const centre = await create('department', province, 'Trung tâm Phục vụ hành chính công');
  const departments: string[] = [];
  for (let i = 1; i <= 19; i += 1) departments.push(await create('department', province, `Sở ${i}`));
  const districts: string[] = [];
  const communes: string[] = [];
  for (let d = 1; d <= 9; d += 1) {
    const district = await create('district', province, `UBND huyện ${d}`);
    districts.push(district);
    for (let c = 1; c <= (d === 1 ? 4 : 3); c += 1)
      communes.push(await create('commune', district, `UBND xã ${d}.${c}`));
  }
  return { province, centre, departments, districts, communes };
}
