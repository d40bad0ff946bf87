/** The sandbox gateway's memory of what the tester chose (local runtime only; see gateways/sandbox.ts). */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../platform/aws-clients.ts';
import { nowIso, tableName } from '../platform/table.ts';
import type { SandboxLedger } from './gateways/sandbox.ts';
import { sandboxKey } from './keys.ts';

export const sandboxLedger: SandboxLedger = {
  async outcomeOf(code) {
    const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: sandboxKey(code) }));
    return Item
      ? {
          outcome: Item.outcome as 'paid' | 'failed',
          amount: Item.amount as number,
          transactionId: Item.transactionId as string,
        }
      : undefined;
  },
};

export async function recordSandboxOutcome(
  code: string,
  entry: { outcome: 'paid' | 'failed'; amount: number; transactionId: string },
): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...sandboxKey(code), entityType: 'payment-sandbox', ...entry, at: nowIso() },
    }),
  );
}
