/**
 * The sync use case, run by the consumer functions/national-portal/sync.ts for every DossierSubmitted
 * and DossierStatusChanged event: plan the pushes (./mapper.ts syncPlan), read the dossier by id
 * (events carry no personal data), map, push through the configured adapter (./client.ts), and record
 * each push in the sync log in the same transaction as the event's dedupe marker.
 *
 * Effects: the local stand-in's records are exactly once (record + marker commit together). With the
 * real portal a push is at least once: a failure after a push and before the commit pushes again on
 * retry, which the portal absorbs (DongBoHoSoMC is an upsert by MaHoSo; progress steps carry their time).
 * The full record is read when the event is handled, so it is the dossier's latest state; a progress
 * step carries the status of its own event, so late or replayed events never report a wrong state.
 */
import type * as z from 'zod/mini';
import { DossierStatusChangedV1, DossierSubmittedV1 } from '#events/dossiers/dossier-events.v1.ts';
import type { EventContract, EventDetail } from '#events/envelope.ts';
import { getAgency } from '../agencies/repository.ts';
import type { Dossier } from '../dossiers/dossier.ts';
import { getDossier } from '../dossiers/repository.ts';
import { AlreadyConsumedError, type ConsumerContext } from '../events/consumer.ts';
import { commitChange } from '../platform/change.ts';
import { nowIso } from '../platform/table.ts';
import { getProcedure } from '../procedures/repository.ts';
import { localStandIn, type NationalPortalClient, type PortalReceipt } from './client.ts';
import { type NationalPortalSettings, nationalPortalSettingsFromEnv, statusTableOf } from './config.ts';
import { createHttpPortalClient } from './http-client.ts';
import { ENTITY_NATIONAL_PORTAL_RECORD } from './keys.ts';
import {
  type PlannedPush,
  type PortalTables,
  type SyncTrigger,
  syncPlan,
  toDossierSyncPayload,
  toProgressPayload,
} from './mapper.ts';
import type { PortalRequest, PortalService, SyncRecord } from './payloads.ts';
import { syncRecordWrite } from './repository.ts';

/** The events the sync consumes (the bus rule selects the same detail-types). */
export const SYNC_CONTRACTS: readonly EventContract[] = [DossierSubmittedV1, DossierStatusChangedV1];

let cachedClient: { key: string; client: NationalPortalClient } | undefined;
let envSettings: NationalPortalSettings | undefined;

/** Mode and configuration, read once per container and failing fast when wrong (house style §5). */
function settingsFromEnv(): NationalPortalSettings {
  envSettings ??= nationalPortalSettingsFromEnv();
  return envSettings;
}

/** The adapter of these settings: the local stand-in, or one HTTP client per configuration and container. */
export function clientFor(settings: NationalPortalSettings): NationalPortalClient {
  if (settings.mode === 'local' || !settings.config.http) return localStandIn;
  const key = JSON.stringify(settings.config.http);
  if (cachedClient?.key !== key) cachedClient = { key, client: createHttpPortalClient(settings.config.http) };
  return cachedClient.client;
}

type StatusChanged = z.output<typeof DossierStatusChangedV1.data>;

function triggerOf(detail: EventDetail<unknown>, contract: EventContract): SyncTrigger {
  if (contract.detailType === DossierSubmittedV1.detailType) return { kind: 'submitted' };
  const data = DossierStatusChangedV1.data.parse(detail.data);
  return { kind: 'status-changed', action: data.action };
}

export interface SyncOutcome {
  readonly mode: NationalPortalClient['mode'];
  readonly pushed: readonly PortalService[];
}

export interface SyncOptions {
  /** Default: from the environment (NATIONAL_PORTAL_MODE, NATIONAL_PORTAL_CONFIG). */
  readonly settings?: NationalPortalSettings;
  /** Default: the adapter the settings choose. */
  readonly client?: NationalPortalClient;
}

export async function syncDossierEvent(
  detail: EventDetail<unknown>,
  contract: EventContract,
  consumer: ConsumerContext,
  options: SyncOptions = {},
): Promise<SyncOutcome> {
  const settings = options.settings ?? settingsFromEnv();
  const client = options.client ?? clientFor(settings);
  const { config } = settings;
  const trigger = triggerOf(detail, contract);
  const dossier = await getDossier(detail.entity.id);
  // The event committed with the dossier: a missing dossier is an inconsistency to look at (dead letter).
  if (!dossier) throw new Error(`Dossier ${detail.entity.id} of event ${detail.eventId} does not exist`);

  const plan = syncPlan(trigger, { syncOnSubmit: config.syncOnSubmit, numbered: dossier.code !== null });
  if (plan.length === 0) return { mode: client.mode, pushed: [] };

  const tables: PortalTables = {
    statusCodes: statusTableOf(config),
    procedureCodes: config.procedureCodes,
    fieldCodes: config.fieldCodes,
  };
  const names = new Map<string, Promise<string>>();
  const agencyName = (code: string) => {
    let name = names.get(code);
    if (!name) {
      name = getAgency(code).then((agency) => agency?.name ?? code);
      names.set(code, name);
    }
    return name;
  };
  const requests: PortalRequest[] = [];
  for (const push of plan) requests.push(await requestOf(push, dossier, detail, tables, agencyName));

  // In order: the portal must hold the dossier before it takes a progress step of it.
  const sent: { request: PortalRequest; receipt: PortalReceipt }[] = [];
  for (const request of requests) sent.push({ request, receipt: await client.send(request) });

  const recordedAt = nowIso();
  const records: SyncRecord[] = sent.map(({ request, receipt }) => ({
    dossierId: dossier.id,
    service: request.service,
    ...(request.service === 'DongBoHoSoMC' ? { isUpdating: request.isUpdating } : {}),
    payload: request.payload,
    mode: client.mode,
    delivered: receipt.delivered,
    ...(receipt.httpStatus === undefined ? {} : { httpStatus: receipt.httpStatus }),
    ...(receipt.errorCode === undefined ? {} : { errorCode: receipt.errorCode }),
    eventId: detail.eventId,
    eventType: contract.detailType,
    occurredAt: detail.occurredAt,
    recordedAt,
  }));
  await commitChange({
    context: consumer.change,
    agencyCode: dossier.receivingAgency,
    action: 'national-portal.synced',
    entity: { type: ENTITY_NATIONAL_PORTAL_RECORD, id: dossier.id },
    after: { mode: client.mode, services: records.map((record) => record.service), eventId: detail.eventId },
    writes: [
      ...records.map((record, n) => ({
        ...syncRecordWrite(record, n),
        // Recorded by an earlier delivery whose marker has since expired (a late replay).
        onConditionFailed: () => new AlreadyConsumedError(detail.eventId),
      })),
      consumer.consumed,
    ],
  });
  return { mode: client.mode, pushed: records.map((record) => record.service) };
}

async function requestOf(
  push: PlannedPush,
  dossier: Dossier,
  detail: EventDetail<unknown>,
  tables: PortalTables,
  agencyName: (code: string) => Promise<string>,
): Promise<PortalRequest> {
  if (push.service === 'DongBoHoSoMC') {
    const procedure = await getProcedure(dossier.procedure.code, dossier.procedure.version);
    const payload = toDossierSyncPayload(
      { dossier, fees: procedure?.fees ?? [], handlingAgencyName: await agencyName(dossier.currentAgency) },
      tables,
    );
    return { service: 'DongBoHoSoMC', payload, isUpdating: push.isUpdating };
  }
  const data: StatusChanged = DossierStatusChangedV1.data.parse(detail.data);
  const payload = toProgressPayload(
    {
      dossier: data.dossier,
      action: data.action,
      toStatus: data.toStatus,
      occurredAt: detail.occurredAt,
      actor: detail.actor,
      actingAgencyName: await agencyName(detail.agencyCode ?? dossier.receivingAgency),
    },
    tables,
  );
  return { service: 'CapNhatTienDoHoSoMC', payload };
}
