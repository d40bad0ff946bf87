/**
 * The stateful resources of a province stack, declared once. The CDK stateful stack builds them
 * from here and the local runtime creates the same table and buckets in DynamoDB Local and s3rver.
 *
 * One table per province (single-table design; keys and access patterns: README § Key design and each
 * domain's `keys.ts`). Generic attributes: PK/SK, GSI1..GSI3 (PK/SK each), `expiresAt` TTL (epoch s).
 */
import { INCOMING_PREFIX } from '#shared/files/keys.ts';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

export interface TableDefinition {
  /** Logical id, also the suffix of the physical name: `<prefix>-<id>`. */
  readonly id: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalIndexes: readonly IndexDefinition[];
  readonly timeToLiveAttribute: string;
  readonly stream: 'NEW_AND_OLD_IMAGES';
  /** Environment variable through which functions receive the physical name. */
  readonly env: string;
}

const gsi = (n: number): IndexDefinition => ({
  name: `GSI${n}`,
  partitionKey: { name: `GSI${n}PK`, type: 'S' },
  sortKey: { name: `GSI${n}SK`, type: 'S' },
});

export const mainTable: TableDefinition = {
  id: 'main',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalIndexes: [gsi(1), gsi(2), gsi(3)],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  env: 'TABLE_NAME',
};

export interface BucketDefinition {
  readonly id: string;
  readonly env: string;
  /** Compliance-mode Object Lock (WORM) for the audit archive. */
  readonly objectLock: boolean;
  readonly purpose: string;
  /** Prefix where unchecked uploads land before confirmation; expired after a day. */
  readonly uploadStagingPrefix?: string;
}

export const buckets: readonly BucketDefinition[] = [
  {
    id: 'files',
    env: 'FILES_BUCKET',
    objectLock: false,
    purpose: 'Attachments, results, receipts (keys prefixed by agency)',
    uploadStagingPrefix: INCOMING_PREFIX,
  },
  { id: 'audit-archive', env: 'AUDIT_BUCKET', objectLock: true, purpose: 'Audit-chain digests, write once' },
];

export const tables: readonly TableDefinition[] = [mainTable];

/** Physical names used locally (in AWS, CloudFormation names them). */
export const localName = (prefix: string, id: string): string => `${prefix}-${id}`;
