/**
 * Issue 11: the worked example of a vendor's event subscriber (examples/event-subscriber) receives a
 * real event through the local bus: a dossier is carried to `released` through the API, the outbox
 * → stream → publisher → bus path delivers DossierStatusChanged, and the subscriber's handler
 * records the applicant's notification, exactly once.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierStatusChangedV1 } from '#events/dossiers/dossier-events.v1.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';
import { type OwnPlatform, startOwnPlatform } from '#tests/support/own-platform.ts';
import { handler, notificationKey } from '../../examples/event-subscriber/handler.ts';
import { resultReadyNotifier } from '../../examples/event-subscriber/subscriber.ts';

let platform: OwnPlatform;

beforeAll(async () => {
  platform = await startOwnPlatform({ prefix: 'ext-subscriber', subscribers: [resultReadyNotifier] });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
});

const notification = async (dossierId: string) =>
  (
    await ddb().send(
      new GetCommand({ TableName: tableName(), Key: notificationKey(dossierId), ConsistentRead: true }),
    )
  ).Item;

describe('example event subscriber: result-ready notifier', () => {
  it('is called by the local bus for a real DossierStatusChanged → released, and only for it', async () => {
    const submitted = await platform.call<{ id: string }>('POST', '/v1/dossiers', {
      as: 'citizen.an',
      body: {
        procedureCode: 'VP-xac-nhan-thong-tin-ho-tich',
        agencyCode: '000.01.21.H62',
        applicant: {
          kind: 'citizen',
          fullName: 'Nguyễn Văn An',
          identity: { idType: 'citizen-id', idNumber: '026090001234' },
        },
        form: {
          applicant: { fullName: 'Nguyễn Văn An', idNumber: '026090001234', residence: 'Phường Tích Sơn' },
          subject: { fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12' },
          information: 'Đã đăng ký khai sinh tại UBND phường Tích Sơn',
          purpose: 'Bổ sung hồ sơ xin việc',
        },
        delivery: { method: 'online' },
      },
    });
    expect(submitted.status).toBe(201);
    const id = submitted.body.id;
    const act = async (as: string, action: string) => {
      const response = await platform.call<{ status: string; code: string }>(
        'POST',
        `/v1/dossiers/${id}/transitions`,
        {
          as,
          body: { action },
        },
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };
    await act('clerk.tichson', 'receive');
    await act('clerk.tichson', 'forward');
    await act('specialist.tichson', 'forward');
    await act('leader.tichson', 'approve');
    await platform.events.drain();
    expect(await notification(id)).toBeUndefined(); // approved is not released: the pattern filters

    const released = await act('clerk.tichson', 'release');
    await platform.events.drain();
    const item = await notification(id);
    expect(item).toMatchObject({
      entityType: 'example-notification',
      dossierCode: released.code,
      agencyCode: '000.01.21.H62',
    });
    expect(item?.message).toContain(`Hồ sơ ${released.code} đã có kết quả`);
  }, 120_000);

  it('applies a redelivered event once (at-least-once delivery, exactly-once effect)', async () => {
    const dossierId = randomUUID();
    const detail = {
      ...DossierStatusChangedV1.example,
      eventId: randomUUID(),
      data: {
        ...DossierStatusChangedV1.example.data,
        action: 'release' as const,
        fromStatus: 'approved' as const,
        toStatus: 'released' as const,
        dossier: {
          ...DossierStatusChangedV1.example.data.dossier,
          id: dossierId,
          status: 'released' as const,
        },
      },
    };
    const event = {
      id: randomUUID(),
      version: '0',
      account: '000000000000',
      region: 'ap-southeast-1',
      time: new Date().toISOString(),
      resources: [],
      source: DossierStatusChangedV1.source,
      'detail-type': DossierStatusChangedV1.detailType,
      detail,
    } as EventBridgeEvent<string, unknown>;
    expect(await handler(event)).toEqual({ status: 'applied' });
    expect(await handler(event)).toEqual({ status: 'duplicate' });
    expect((await notification(dossierId))?.eventId).toBe(detail.eventId);
  });
});
