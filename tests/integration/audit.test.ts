/** The audit trail: one record per change in the agency's hash chain, and verification finds tampering. */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '#infra/provinces/vinh-phuc.ts';
import { type AuditRecord, hashOf } from '#shared/audit/chain.ts';
import { auditHeadKey, auditRecordKey } from '#shared/audit/keys.ts';
import { readChain, verifyStoredChain, writeDigests } from '#shared/audit/repository.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';
import { call, createTestAgency, PROVINCE_ADMIN } from '#tests/support/http.ts';

async function agencyWithHistory(): Promise<string> {
  const code = await createTestAgency(demoAgencies.vinhYen, { address: 'Thôn Đông, xã Thanh Trù' });
  for (const address of ['Thôn Tây', 'Thôn Nam', 'Thôn Bắc']) {
    const response = await call('PATCH', `/v1/agencies/${code}`, { as: PROVINCE_ADMIN, body: { address } });
    expect(response.status).toBe(200);
  }
  return code;
}

async function head(chain: string) {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: auditHeadKey(chain) }));
  return { chain, seq: Item!.seq as number, hash: Item!.hash as string };
}

describe('audit trail', () => {
  it('records every change with who, what, when and the request id, and serves it to auditors', async () => {
    const code = await agencyWithHistory();
    const chain = await readChain(code);
    expect(chain.map((record) => record.action)).toEqual([
      'agency.created',
      'agency.updated',
      'agency.updated',
      'agency.updated',
    ]);
    expect(chain[1]).toMatchObject({
      seq: 2,
      changed: ['address', 'updatedAt', 'version'],
      prevHash: chain[0]!.hash,
    });
    expect(chain[1]!.actor).toMatchObject({
      type: 'user',
      username: PROVINCE_ADMIN,
      roles: ['province-admin'],
    });
    expect(JSON.stringify(chain)).not.toContain('Thôn'); // digests only: no field values in the trail

    const asAuditor = await call<{ items: AuditRecord[] }>('GET', `/v1/audit?entityId=${code}`, {
      as: 'auditor.province',
      headers: { 'x-request-id': 'audit-read-1' },
    });
    expect(asAuditor.status).toBe(200);
    expect(asAuditor.body.items.map((record) => record.seq)).toEqual([1, 2, 3, 4]);
    expect((await call('GET', `/v1/audit?entityId=${code}`, { as: PROVINCE_ADMIN })).status).toBe(403);
  });

  it('carries the caller’s X-Request-Id into the audit record', async () => {
    const code = await createTestAgency(demoAgencies.vinhYen);
    await call('PATCH', `/v1/agencies/${code}`, {
      as: PROVINCE_ADMIN,
      body: { name: 'Đổi tên' },
      headers: { 'x-request-id': 'rename-42' },
    });
    expect((await readChain(code)).at(-1)?.requestId).toBe('rename-42');
  });

  it('verifies an intact chain', async () => {
    const code = await agencyWithHistory();
    expect(await verifyStoredChain(await head(code))).toMatchObject({ ok: true, records: 4 });
  });

  it('finds one altered record', async () => {
    const code = await agencyWithHistory();
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: auditRecordKey(code, 2),
        UpdateExpression: 'SET #action = :forged',
        ExpressionAttributeNames: { '#action': 'action' },
        ExpressionAttributeValues: { ':forged': 'agency.viewed' },
      }),
    );
    const report = await verifyStoredChain(await head(code));
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ kind: 'altered', seq: 2 });
  });

  it('finds one deleted record, in the middle and at the end', async () => {
    const middle = await agencyWithHistory();
    await ddb().send(new DeleteCommand({ TableName: tableName(), Key: auditRecordKey(middle, 3) }));
    expect((await verifyStoredChain(await head(middle))).firstBreak).toMatchObject({
      kind: 'missing',
      seq: 3,
    });

    const end = await agencyWithHistory();
    await ddb().send(new DeleteCommand({ TableName: tableName(), Key: auditRecordKey(end, 4) }));
    expect((await verifyStoredChain(await head(end))).firstBreak).toMatchObject({
      kind: 'truncated',
      seq: 4,
    });
  });

  it('finds a rewritten history even when every hash and the head were recomputed, thanks to the digest', async () => {
    const code = await agencyWithHistory();
    await writeDigests();
    // The attacker rewrites record 2 and re-chains everything after it, then fixes the head.
    const records = await readChain(code);
    let prevHash = records[0]!.hash;
    for (const record of records.slice(1)) {
      const { hash: _old, ...rest } = record;
      const rewritten = {
        ...rest,
        prevHash,
        ...(record.seq === 2 ? { actor: { type: 'system' as const, name: 'nobody' } } : {}),
      };
      const hash = hashOf(rewritten);
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...auditRecordKey(code, record.seq), entityType: 'audit', ...rewritten, hash },
        }),
      );
      prevHash = hash;
    }
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: auditHeadKey(code),
        UpdateExpression: 'SET #hash = :hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ExpressionAttributeValues: { ':hash': prevHash },
      }),
    );
    const report = await verifyStoredChain(await head(code));
    expect(report.ok).toBe(false);
    expect(report.firstBreak?.detail).toContain('archived digest');
  });

  it('keeps chains intact under concurrent changes to one agency', async () => {
    const code = await createTestAgency(demoAgencies.vinhYen);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('PATCH', `/v1/agencies/${code}`, { as: PROVINCE_ADMIN, body: { address: `Số ${i}` } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const report = await verifyStoredChain(await head(code));
    expect(report).toMatchObject({ ok: true, records: 9 });
  });
});
