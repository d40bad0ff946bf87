/**
 * The national-portal sync consumer against DynamoDB Local: the local stand-in's records are written
 * exactly once however often and however concurrently an event is delivered; with the HTTP adapter
 * (to a portal stand-in on 127.0.0.1) a transient failure is thrown, retried by the bus and then
 * pushed, and a refused record ends in the dead letters with nothing recorded.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierStatusChangedV1 } from '#events/dossiers/dossier-events.v1.ts';
import type { EventDetail } from '#events/envelope.ts';
import { handler as syncHandler } from '#functions/national-portal/sync.ts';
import { createLocalEventBus, type DeadLetterEntry, type EventBridgeEvent } from '#infra/local/event-bus.ts';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { createConsumer } from '#shared/events/consumer.ts';
import { outboxRecordsBetween } from '#shared/events/replay.ts';
import { parseNationalPortalConfig } from '#shared/national-portal/config.ts';
import type { SyncRecord } from '#shared/national-portal/payloads.ts';
import { listSyncRecords } from '#shared/national-portal/repository.ts';
import { SYNC_CONTRACTS, syncDossierEvent } from '#shared/national-portal/sync.ts';
import { call, PROVINCE_ADMIN, unique } from '#tests/support/http.ts';
import { testProcedure } from '#tests/support/procedures.ts';

const procedureCode = `VP-test-dvcqg-${unique()}`;
let dossierId = '';
/** The receive event of the test's dossier, as the outbox published it. */
let receiveDetail: EventDetail<unknown>;

beforeAll(async () => {
  const created = await call('POST', '/v1/procedures', {
    as: PROVINCE_ADMIN,
    body: testProcedure({
      code: procedureCode,
      name: 'Thủ tục thử nghiệm đồng bộ',
      onlineLevel: 'partial',
      workflow: [
        { id: 'xu-ly', name: 'Xử lý', agency: { kind: 'receiving' }, role: 'clerk', workingDays: 3 },
      ],
      resultDelivery: ['counter'],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const from = new Date(Date.now() - 1_000);
  const submitted = await call<{ id: string }>('POST', '/v1/dossiers', {
    as: 'clerk.lienbao',
    body: {
      procedureCode,
      agencyCode: demoAgencies.lienBao,
      applicant: {
        kind: 'business',
        fullName: 'Công ty TNHH Thử Nghiệm',
        identity: { idType: 'tax-code', idNumber: '2500123456' },
      },
      form: { reason: 'Đề nghị thử nghiệm' },
      delivery: { method: 'counter' },
    },
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  dossierId = submitted.body.id;
  const received = await call('POST', `/v1/dossiers/${dossierId}/transitions`, {
    as: 'clerk.lienbao',
    body: { action: 'receive' },
  });
  expect(received.status, JSON.stringify(received.body)).toBe(200);
  const records = await outboxRecordsBetween(from, new Date(Date.now() + 1_000));
  const record = records.find(
    (candidate) =>
      candidate.detailType === 'DossierStatusChanged' &&
      (JSON.parse(candidate.detail) as EventDetail<unknown>).entity.id === dossierId,
  );
  expect(record).toBeDefined();
  receiveDetail = JSON.parse(record!.detail) as EventDetail<unknown>;
});

/** The receive event again, under a new event id, as EventBridge hands it to a target. */
function receiveEvent(): EventBridgeEvent {
  const detail = { ...receiveDetail, eventId: randomUUID() };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': DossierStatusChangedV1.detailType,
    source: DossierStatusChangedV1.source,
    account: '000000000000',
    time: detail.occurredAt,
    region: 'ap-southeast-1',
    resources: [],
    detail,
  };
}

async function recordsOf(eventId: string): Promise<SyncRecord[]> {
  const page = await listSyncRecords(dossierId, { limit: 100 });
  return page.items.filter((record) => record.eventId === eventId);
}

describe('the local stand-in', () => {
  it('records the pushes of an event once, however often and however concurrently it is delivered', async () => {
    const event = receiveEvent();
    const eventId = (event.detail as { eventId: string }).eventId;
    const results = await Promise.all(Array.from({ length: 4 }, () => syncHandler(event)));
    results.push(await syncHandler({ ...event, id: randomUUID() }));
    expect(results.filter((result) => result.status === 'applied')).toHaveLength(1);

    const records = await recordsOf(eventId);
    expect(records.map((record) => record.service)).toEqual(['DongBoHoSoMC', 'CapNhatTienDoHoSoMC']);
    expect(records[0]).toMatchObject({
      mode: 'local',
      delivered: false,
      isUpdating: false,
      payload: { LoaiDoiTuong: '2', ChuHoSo: 'Công ty TNHH Thử Nghiệm', TrangThaiHoSo: '2' },
    });
  });

  it('is what the bus rule runs for the dossier’s own events', async () => {
    expect((await call('POST', '/local/events/drain')).status).toBe(204);
    const page = await listSyncRecords(dossierId, { limit: 100 });
    const own = page.items.filter((record) => record.eventId === receiveDetail.eventId);
    expect(own.map((record) => record.service)).toEqual(['DongBoHoSoMC', 'CapNhatTienDoHoSoMC']);
  });
});

describe('the HTTP adapter behind the bus', () => {
  let answers: { status: number; body: unknown }[] = [];
  const requests: { service: string; isUpdating?: string }[] = [];
  let port = 0;
  const server = createServer((request, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { service: string });
      const answer = answers.shift() ?? { status: 200, body: { error_code: '0' } };
      response.statusCode = answer.status;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(answer.body));
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    process.env.TEST_PORTAL_SESSION = 'test-session';
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A bus with the sync as target, in http mode against the loopback portal. */
  function busWithHttpSync(consumerId: string, deadLetters: DeadLetterEntry[]) {
    const settings = {
      mode: 'http' as const,
      config: parseNationalPortalConfig({
        http: {
          baseUrl: `http://127.0.0.1:${port}`,
          path: '/integration',
          unitCode: '000.00.00.H62',
          credentials: { source: 'env', variable: 'TEST_PORTAL_SESSION' },
          timeoutMs: 2_000,
        },
      }),
    };
    const consumer = createConsumer({
      id: consumerId,
      contracts: SYNC_CONTRACTS,
      handle: async (detail, context, contract) =>
        void (await syncDossierEvent(detail, contract, context, { settings })),
    });
    return createLocalEventBus({
      busName: `national-portal-${unique()}`,
      account: '000000000000',
      region: 'ap-southeast-1',
      retryPolicy: { maximumRetryAttempts: 2, initialDelayMs: 5 },
      rules: [
        {
          id: 'national-portal-sync',
          pattern: { source: ['vnpp.dossiers'], 'detail-type': ['DossierSubmitted', 'DossierStatusChanged'] },
          targets: [{ id: consumerId, invoke: async (event) => void (await consumer(event)) }],
        },
      ],
      onDeadLetter: (entry) => void deadLetters.push(entry),
    });
  }

  const put = (detail: EventDetail<unknown>) => ({
    Source: DossierStatusChangedV1.source,
    DetailType: DossierStatusChangedV1.detailType,
    Detail: JSON.stringify(detail),
  });

  it('throws on an unavailable portal, so the bus retries, and records what the portal accepted', async () => {
    const deadLetters: DeadLetterEntry[] = [];
    const bus = busWithHttpSync(`national-portal-http-${unique()}`, deadLetters);
    const detail = { ...receiveDetail, eventId: randomUUID() };
    answers = [{ status: 503, body: {} }];
    requests.length = 0;
    await bus.putEvents([put(detail)]);
    await bus.drain();
    await bus.stop();

    expect(deadLetters).toHaveLength(0);
    // 503 on the first try; the retry pushed the full record, then the progress step.
    expect(requests.map((request) => request.service)).toEqual([
      'DongBoHoSoMC',
      'DongBoHoSoMC',
      'CapNhatTienDoHoSoMC',
    ]);
    expect(requests[1]).toMatchObject({
      session: 'test-session',
      madonvi: '000.00.00.H62',
      isUpdating: 'False',
    });
    const records = await recordsOf(detail.eventId);
    expect(records).toHaveLength(2);
    for (const record of records)
      expect(record).toMatchObject({ mode: 'http', delivered: true, httpStatus: 200 });
  });

  it('dead-letters an event whose record the portal refuses, recording nothing', async () => {
    const deadLetters: DeadLetterEntry[] = [];
    const bus = busWithHttpSync(`national-portal-refused-${unique()}`, deadLetters);
    const detail = { ...receiveDetail, eventId: randomUUID() };
    answers = Array.from({ length: 3 }, () => ({
      status: 200,
      body: { error_code: '99', message: 'Sai MaTTHC' },
    }));
    await bus.putEvents([put(detail)]);
    await bus.drain();
    await bus.stop();

    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ attempts: 3, reason: 'retries-exhausted' });
    expect(String(deadLetters[0]!.error)).toContain('NationalPortalRejectedError');
    expect(String(deadLetters[0]!.error)).toContain('Sai MaTTHC');
    expect(await recordsOf(detail.eventId)).toEqual([]);
  });
});
