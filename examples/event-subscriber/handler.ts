/**
 * The subscriber's Lambda handler. `createConsumer` parses the event against its contract and
 * deduplicates deliveries (EventBridge delivers at least once); the notification and the
 * "consumed" marker are written in one transaction, so the applicant is told exactly once.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DossierStatusChangedV1 } from '#events/dossiers/dossier-events.v1.ts';
import { AlreadyConsumedError, createConsumer } from '#shared/events/consumer.ts';
import { ddb } from '#shared/platform/aws-clients.ts';
import { tableName } from '#shared/platform/table.ts';
import { resultReadyNotifier } from './subscriber.ts';

/** Key of the notification record (one per dossier). */
export const notificationKey = (dossierId: string) => ({
  PK: `EXAMPLE#NOTIFY#${dossierId}`,
  SK: 'RESULT_READY',
});

export const handler = createConsumer({
  id: resultReadyNotifier.id,
  contracts: [DossierStatusChangedV1],
  async handle(detail, context) {
    const { dossier } = DossierStatusChangedV1.data.parse(detail.data);
    const message =
      `Hồ sơ ${dossier.code ?? dossier.id} đã có kết quả. ` +
      (dossier.deliveryMethod === 'postal'
        ? 'Kết quả sẽ được gửi qua bưu điện.'
        : 'Mời ông/bà đến nhận kết quả tại bộ phận một cửa.');
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: {
                  ...notificationKey(dossier.id),
                  entityType: 'example-notification',
                  dossierCode: dossier.code,
                  agencyCode: dossier.receivingAgency,
                  message,
                  eventId: detail.eventId,
                  at: new Date().toISOString(),
                },
              },
            },
            context.consumed.item,
          ],
        }),
      );
    } catch (error) {
      // The marker's condition failed: another delivery of this event was applied first.
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if (reasons?.[1]?.Code === 'ConditionalCheckFailed') throw new AlreadyConsumedError(detail.eventId);
      throw error;
    }
  },
});
