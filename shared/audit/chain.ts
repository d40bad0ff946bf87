/**
 * The tamper-evident audit trail (nhật ký, security level 3): every state change appends a record
 * to its agency's SHA-256 hash chain. Each record carries the previous record's hash, and its own
 * hash covers every field, so altering a record breaks its hash and deleting one breaks the link
 * (or the sequence). Pure functions here; storage in ./repository.ts and shared/events/unit-of-work.ts.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor } from '#events/envelope.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  /** The agency whose chain this record extends (the agency that owns the entity). */
  chain: string;
  seq: number;
  at: string;
  actor: Actor;
  /** What happened, `<entity>.<verb>`: `agency.created`, `dossier.received` … */
  action: string;
  entity: { type: string; id: string };
  /** SHA-256 of the entity's canonical JSON before and after (null when absent): no personal data here. */
  beforeDigest: string | null;
  afterDigest: string | null;
  /** Names of the fields that changed. */
  changed: string[];
  requestId: string;
  prevHash: string;
  hash: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** RFC 8785 canonical JSON, so a digest does not depend on key order. */
export const canonicalJson = (value: unknown): string => canonicalize(value) ?? 'null';

export const digestOf = (value: unknown): string | null =>
  value === undefined ? null : sha256Hex(canonicalJson(value));

export function hashOf(record: Omit<AuditRecord, 'hash'>): string {
  return sha256Hex(canonicalJson(record));
}

export function changedFields(before: unknown, after: unknown): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((name) => canonicalJson(a[name]) !== canonicalJson(b[name])).sort();
}

export type ChainBreak =
  | { kind: 'altered'; seq: number; detail: string }
  | { kind: 'missing'; seq: number; detail: string }
  | { kind: 'relinked'; seq: number; detail: string }
  | { kind: 'truncated'; seq: number; detail: string };

/**
 * Verifies records of one chain in sequence order against an expected head (from the chain head
 * item or an archived digest). Returns the first broken link, or undefined when intact.
 */
export function verifyChain(
  records: readonly AuditRecord[],
  head?: { seq: number; hash: string },
): ChainBreak | undefined {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const record of records) {
    if (record.seq !== expectedSeq) {
      return {
        kind: 'missing',
        seq: expectedSeq,
        detail: `record ${expectedSeq} is missing (next found: ${record.seq})`,
      };
    }
    const { hash, ...rest } = record;
    if (hashOf(rest) !== hash)
      return { kind: 'altered', seq: record.seq, detail: 'the record does not match its hash' };
    if (record.prevHash !== expectedPrev) {
      return { kind: 'relinked', seq: record.seq, detail: 'prevHash does not match the previous record' };
    }
    expectedPrev = hash;
    expectedSeq += 1;
  }
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== expectedPrev)) {
    return {
      kind: 'truncated',
      seq: expectedSeq,
      detail: `the chain ends at ${expectedSeq - 1} but its head says ${head.seq}`,
    };
  }
  return undefined;
}
