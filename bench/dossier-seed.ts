/**
 * Synthetic dossiers written straight into the table with BatchWriteItem: the item shape the
 * repository writes (shared/dossiers/repository.ts `toItem`: key, index keys from
 * `dossierIndexKeys`, entity type, the dossier), with realistic field sizes.
 */
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { Dossier, HistoryEntry } from '#shared/dossiers/dossier.ts';
import { dossierIndexKeys, dossierKey, ENTITY_DOSSIER, historyKey } from '#shared/dossiers/keys.ts';
import type { DossierStatus } from '#shared/dossiers/state-machine.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';

const DAY_MS = 86_400_000;
const BASE = Date.parse('2026-03-02T01:30:00.000Z');

/** A deterministic UUID-shaped id, unique per (run, index). */
export const dossierId = (run: string, index: number): string => {
  const hex = (index + 1).toString(16).padStart(12, '0');
  return `${run.slice(0, 8)}-${run.slice(8, 12)}-4${run.slice(13, 16)}-8${run.slice(17, 20)}-${hex}`;
};

const iso = (ms: number) => new Date(ms).toISOString();

export interface DossierSpec {
  readonly run: string;
  readonly index: number;
  readonly agencyCode: string;
  readonly status: DossierStatus;
}

export function syntheticDossier({ run, index, agencyCode, status }: DossierSpec): Dossier {
  const submitted = BASE + (index % 20_000) * 60_000;
  const received = status === 'submitted' ? undefined : submitted + 3_600_000;
  const due = received === undefined ? undefined : received + (5 + (index % 25)) * DAY_MS;
  const finished = ['returned', 'denied', 'cancelled'].includes(status) ? submitted + 4 * DAY_MS : undefined;
  const steps = [
    {
      id: 'tiep-nhan',
      name: 'Tiếp nhận hồ sơ',
      role: 'clerk',
      agencyCode,
      workingDays: 0.5,
    },
    {
      id: 'tham-dinh',
      name: 'Thẩm định, trình ký',
      role: 'specialist',
      agencyCode,
      workingDays: 4,
    },
    { id: 'phe-duyet', name: 'Phê duyệt kết quả', role: 'leader', agencyCode, workingDays: 0.5 },
  ];
  const stepIndex = ['submitted', 'received'].includes(status) ? 0 : 1;
  const id = dossierId(run, index);
  const citizen = index % 3 === 0;
  return {
    id,
    code: received === undefined ? null : `${agencyCode}-260302-${String(index % 10_000).padStart(4, '0')}`,
    procedure: {
      code: 'VP-1.001193',
      version: 1,
      name: 'Đăng ký khai sinh kết hợp đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
      field: 'Hộ tịch',
      onlineLevel: 'full-process',
    },
    receivingAgency: agencyCode,
    currentAgency: agencyCode,
    steps,
    stepIndex,
    currentStep: steps[stepIndex]!,
    status,
    channel: citizen ? 'online' : 'counter',
    interAgency: false,
    applicant: {
      kind: 'citizen',
      fullName: 'Nguyễn Thị Minh Khai',
      identity: { idType: 'citizen-id', idNumber: `0012010${String(index % 100_000).padStart(5, '0')}` },
      phone: '0912345678',
      address: 'Số 12, đường Nguyễn Tất Thành, phường Liên Bảo, thành phố Vĩnh Yên, tỉnh Vĩnh Phúc',
    },
    form: {
      childName: 'Nguyễn Minh An',
      childBirthDate: '2026-02-14',
      childSex: 'male',
      birthPlace: 'Bệnh viện Đa khoa tỉnh Vĩnh Phúc',
      motherName: 'Nguyễn Thị Minh Khai',
      fatherName: 'Trần Văn Bình',
      residence: 'Phường Liên Bảo, thành phố Vĩnh Yên',
      relationship: 'mẹ',
    },
    attachments: [
      {
        fileId: `${run.slice(0, 8)}-0000-4000-8000-${String(index).padStart(12, '0')}`,
        paper: 'Giấy chứng sinh',
        fileName: 'giay-chung-sinh.pdf',
        contentType: 'application/pdf',
        size: 182_344,
        sha256: 'b5d4045c3f466fa91fe2cc6abe79232a1a57cdf104f7a26e716e0a1e2789df78',
      },
    ],
    delivery: { method: 'counter' },
    ownerSub: citizen ? `${run.slice(0, 8)}-1111-4111-8111-${String(index % 5000).padStart(12, '0')}` : null,
    fees: { fee: 0, charge: 0, total: 0 },
    submittedAt: iso(submitted),
    ...(received === undefined ? {} : { receivedAt: iso(received) }),
    ...(due === undefined ? {} : { dueAt: iso(due) }),
    processingDays: 5,
    pauses: [],
    extensions: [],
    ...(status === 'processing' && index % 2 === 0
      ? { assignee: { username: `specialist.${index % 40}` } }
      : {}),
    ...(finished === undefined ? {} : { finishedAt: iso(finished) }),
    ...(status === 'returned' ? { outcome: 'on-time' as const } : {}),
    version: stepIndex + 2,
    createdAt: iso(submitted),
    updatedAt: iso(received ?? submitted),
  };
}

export const dossierItem = (dossier: Dossier): Record<string, unknown> => ({
  ...dossierKey(dossier.id),
  ...dossierIndexKeys(dossier),
  entityType: ENTITY_DOSSIER,
  ...dossier,
});

export function historyItems(dossier: Dossier, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const at = iso(Date.parse(dossier.submittedAt) + i * 3_600_000);
    const entry: HistoryEntry = {
      at,
      action: i === 0 ? 'submit' : 'receive',
      by: { username: 'clerk.vinhyen', roles: ['clerk'] },
      fromStatus: i === 0 ? null : 'submitted',
      toStatus: i === 0 ? 'submitted' : 'received',
      agencyCode: dossier.receivingAgency,
      stepIndex: 0,
      requestId: `bench-${i}`,
    };
    return { ...historyKey(dossier.id, at, i + 1), entityType: 'dossier-history', ...entry };
  });
}

const BATCH = 25;
const MAX_ROUNDS = 30;

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>;

async function writeBatch(items: readonly Record<string, unknown>[]): Promise<void> {
  const table = tableName();
  let pending: WriteRequests | undefined = { [table]: items.map((Item) => ({ PutRequest: { Item } })) };
  for (let round = 1; pending && (pending[table]?.length ?? 0) > 0; round += 1) {
    if (round > MAX_ROUNDS) throw new Error('BatchWriteItem kept returning unprocessed items');
    if (round > 1) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
    const result: BatchWriteCommandOutput = await ddb().send(
      new BatchWriteCommand({ RequestItems: pending }),
    );
    pending = result.UnprocessedItems;
  }
}

/**
 * Writes `count` items made by `itemAt(i)` in batches of 25, `concurrency` batches in flight.
 * Items are made as they are written, so 100k of them never sit in memory at once.
 */
export async function seedItems(
  count: number,
  itemAt: (index: number) => Record<string, unknown>,
  concurrency: number,
): Promise<{ items: number; ms: number; perSecond: number }> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + BATCH);
      const items: Record<string, unknown>[] = [];
      for (let i = from; i < next; i += 1) items.push(itemAt(i));
      await writeBatch(items);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - started;
  return { items: count, ms: Math.round(ms), perSecond: Math.round((count / ms) * 1000) };
}
