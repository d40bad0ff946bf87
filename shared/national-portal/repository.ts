/** The national-portal sync log in the main table (keys: ./keys.ts). */
import type { Page } from '../http/pagination.ts';
import type { DomainWrite } from '../platform/change.ts';
import { queryPage } from '../platform/query.ts';
import { stripKeys, tableName } from '../platform/table.ts';
import { ENTITY_NATIONAL_PORTAL_RECORD, syncLogPartition, syncRecordKey } from './keys.ts';
import type { SyncRecord } from './payloads.ts';

/** The put of one record, for the transaction that also marks the event consumed. */
export function syncRecordWrite(record: SyncRecord, n: number): DomainWrite {
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: {
          ...syncRecordKey(record.dossierId, record.occurredAt, record.eventId, n),
          entityType: ENTITY_NATIONAL_PORTAL_RECORD,
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  };
}

/** What was pushed (or would have been) for a dossier, oldest first. */
export function listSyncRecords(
  dossierId: string,
  page: { limit?: number | undefined; cursor?: string | undefined },
): Promise<Page<SyncRecord>> {
  const pk = syncLogPartition(dossierId);
  return queryPage(
    { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk } },
    { ...page, pinned: { PK: pk } },
    (item) => stripKeys(item) as unknown as SyncRecord,
  );
}
