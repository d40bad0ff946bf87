/**
 * Local dead-letter store: events a consumer still failed on after its retries. In AWS the same
 * role is played by each rule target's SQS DLQ (alarmed when not empty); locally they are items
 * `DLQ#<consumer>` so `npm run events:dlq` can list them and tests can assert on them.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../platform/aws-clients.ts';
import { tableName } from '../platform/table.ts';
import { deadLetterKey } from './keys.ts';

export interface DeadLetter {
  consumer: string;
  eventId: string;
  source: string;
  detailType: string;
  failedAt: string;
  attempts: number;
  error: string;
  /** The event as the target received it (EventBridge envelope), JSON. */
  event: string;
}

const DEAD_LETTER_TTL_SECONDS = 14 * 24 * 3600;

export async function recordDeadLetter(letter: DeadLetter): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...deadLetterKey(letter.consumer, letter.failedAt, letter.eventId),
        entityType: 'dead-letter',
        ...letter,
        expiresAt: Math.floor(Date.now() / 1000) + DEAD_LETTER_TTL_SECONDS,
      },
    }),
  );
}

export async function listDeadLetters(consumer: string): Promise<DeadLetter[]> {
  const { Items = [] } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `DLQ#${consumer}` },
    }),
  );
  return Items as DeadLetter[];
}
