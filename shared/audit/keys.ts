/**
 * Keys of the audit trail.
 *
 * | access pattern                               | index | PK                                | SK                      |
 * |----------------------------------------------|-------|-----------------------------------|-------------------------|
 * | an agency's chain, in order (verify)         | table | `AUDIT#<agency>`                  | `SEQ#<000000000001>`    |
 * | the head of an agency's chain                | table | `AUDITHEAD#<agency>`              | `HEAD`                  |
 * | every chain head (verify all, digests)       | GSI1  | `AUDITHEADS`                      | `<agency>`              |
 * | an entity's history (GET /v1/audit)          | GSI1  | `AUDIT#ENTITY#<entity id>`        | `<at>#<agency>#<seq>`   |
 */

export const auditRecordKey = (chain: string, seq: number) => ({
  PK: `AUDIT#${chain}`,
  SK: `SEQ#${String(seq).padStart(12, '0')}`,
});

export const auditEntityPartition = (entityId: string) => `AUDIT#ENTITY#${entityId}`;

export const auditEntityIndex = (
  entity: { type: string; id: string },
  at: string,
  chain: string,
  seq: number,
) => ({
  GSI1PK: auditEntityPartition(entity.id),
  GSI1SK: `${at}#${chain}#${String(seq).padStart(12, '0')}`,
});

export const auditHeadKey = (chain: string) => ({ PK: `AUDITHEAD#${chain}`, SK: 'HEAD' });
export const auditHeadIndex = (chain: string) => ({ GSI1PK: 'AUDITHEADS', GSI1SK: chain });

export const ENTITY_AUDIT = 'audit';
export const ENTITY_AUDIT_HEAD = 'audit-head';
