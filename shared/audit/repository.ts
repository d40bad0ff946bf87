/** Reading and verifying the audit trail; writing happens only in commitChange (shared/platform/change.ts). */
import type { Page } from '../http/pagination.ts';
import { s3Client } from '../platform/aws-clients.ts';
import { ENV, requireEnv } from '../platform/env.ts';
import { queryAll, queryPage } from '../platform/query.ts';
import { stripKeys } from '../platform/table.ts';
import { type AuditRecord, type ChainBreak, verifyChain } from './chain.ts';
import { auditEntityPartition } from './keys.ts';

const toRecord = (item: Record<string, unknown>): AuditRecord => stripKeys(item) as unknown as AuditRecord;

export async function listEntityAudit(filter: {
  entityId: string;
  limit?: number | undefined;
  cursor?: string | undefined;
}): Promise<Page<AuditRecord>> {
  const pk = auditEntityPartition(filter.entityId);
  return queryPage(
    { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': pk } },
    { ...filter, pinned: { GSI1PK: pk } },
    toRecord,
  );
}

export async function readChain(chain: string): Promise<AuditRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': `AUDIT#${chain}` },
    ConsistentRead: true,
  });
  return items.map(toRecord);
}

export interface ChainHead {
  chain: string;
  seq: number;
  hash: string;
}

export async function listChainHeads(): Promise<ChainHead[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': 'AUDITHEADS' },
  });
  return items.map((item) => ({
    chain: item.chain as string,
    seq: item.seq as number,
    hash: item.hash as string,
  }));
}

/** Where a chain's digests live in the Object-Lock archive bucket. */
const digestKey = (chain: string, day: string) => `audit-digests/${chain}/${day}.json`;

/** Writes today's head of every chain to the write-once archive (run daily by a schedule). */
export async function writeDigests(now = new Date()): Promise<number> {
  const day = now.toISOString().slice(0, 10);
  const heads = await listChainHeads();
  for (const head of heads) {
    await s3Client().putObject(
      requireEnv(ENV.auditBucket),
      digestKey(head.chain, day),
      JSON.stringify({ ...head, writtenAt: now.toISOString() }),
      { contentType: 'application/json' },
    );
  }
  return heads.length;
}

/** The most recent archived digest of a chain, if any. */
export async function latestDigest(chain: string): Promise<ChainHead | undefined> {
  const bucket = requireEnv(ENV.auditBucket);
  // Every page: a chain archives one digest a day, more than a page (1,000 keys) in three years.
  const key = (await s3Client().listKeys(bucket, `audit-digests/${chain}/`)).sort().pop();
  if (!key) return undefined;
  return JSON.parse((await s3Client().getObjectBytes(bucket, key)).toString('utf8')) as ChainHead;
}

export interface ChainReport {
  chain: string;
  records: number;
  ok: boolean;
  firstBreak?: ChainBreak;
}

/**
 * Recomputes a chain: every hash, every link, the sequence, the head, and the archived digest
 * (a rewritten history that recomputed every hash still contradicts the write-once digest).
 */
export async function verifyStoredChain(head: ChainHead): Promise<ChainReport> {
  const records = await readChain(head.chain);
  let firstBreak = verifyChain(records, head);
  if (!firstBreak) {
    const digest = await latestDigest(head.chain);
    if (digest) {
      const archived = records.find((record) => record.seq === digest.seq);
      if (!archived || archived.hash !== digest.hash) {
        firstBreak = {
          kind: 'altered',
          seq: digest.seq,
          detail: 'the chain no longer contains the record the archived digest vouches for',
        };
      }
    }
  }
  return {
    chain: head.chain,
    records: records.length,
    ok: !firstBreak,
    ...(firstBreak ? { firstBreak } : {}),
  };
}

export async function verifyAllChains(): Promise<ChainReport[]> {
  const reports: ChainReport[] = [];
  for (const head of await listChainHeads()) reports.push(await verifyStoredChain(head));
  return reports;
}
