/**
 * The payment jobs: the re-check of pending payments (every few minutes: payments pending for more
 * than 15 minutes are queried at their gateway; lost callbacks are caught here) and the daily
 * reconciliation of each gateway's statement (CSV in the files bucket under
 * `payments/statements/<gateway>/<yyyy-mm-dd>.csv`) with our records.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isMissingObject } from '../files/storage.ts';
import { ddb, s3Client } from '../platform/aws-clients.ts';
import type { ChangeContext } from '../platform/change.ts';
import { now } from '../platform/clock.ts';
import { ENV, requireEnv } from '../platform/env.ts';
import { logger } from '../platform/observability.ts';
import { stripKeys, tableName } from '../platform/table.ts';
import { gatewaySettingsFromEnv } from './config.ts';
import type { GatewayStatus } from './gateways/gateway.ts';
import { gatewayById } from './gateways/registry.ts';
import { reconciliationKey } from './keys.ts';
import { RECHECK_AFTER_MINUTES } from './payment.ts';
import {
  type ComparisonResult,
  compareStatement,
  parseStatement,
  type StatementIssue,
} from './reconciliation.ts';
import { paidOn, paymentByCode, pendingCreatedBefore, settle } from './repository.ts';

export interface RecheckSummary {
  checked: number;
  paid: number;
  failed: number;
  expired: number;
  unchanged: number;
  errors: number;
}

const jobContext = (name: string): ChangeContext => ({
  actor: { type: 'system', name },
  correlationId: `${name}:${now().toISOString()}`,
});

/**
 * Queries every payment pending for more than RECHECK_AFTER_MINUTES at its gateway and applies
 * the answer (the same exactly-once transition as a callback); a payment past its expiry that the
 * gateway does not report paid is expired.
 */
export async function recheckPending(): Promise<RecheckSummary> {
  const summary: RecheckSummary = { checked: 0, paid: 0, failed: 0, expired: 0, unchanged: 0, errors: 0 };
  const at = now();
  const context = jobContext('payments-recheck');
  const pending = await pendingCreatedBefore(new Date(at.getTime() - RECHECK_AFTER_MINUTES * 60_000));
  for (const payment of pending) {
    summary.checked += 1;
    try {
      const adapter = await gatewayById(payment.gateway);
      let answer: GatewayStatus = { status: 'unknown', detail: 'gateway no longer configured' };
      if (adapter) {
        answer = await adapter.queryStatus(payment).catch((error: Error) => ({
          status: 'unknown' as const,
          detail: error.message,
        }));
      }
      if (answer.status === 'paid' && answer.amount !== undefined && answer.amount !== payment.amount) {
        logger.error('gateway reports a different amount', {
          paymentId: payment.id,
          ours: payment.amount,
          theirs: answer.amount,
        });
        summary.errors += 1;
        continue;
      }
      const expired = new Date(payment.expiresAt) <= at;
      const to =
        answer.status === 'paid' || answer.status === 'failed'
          ? answer.status
          : expired
            ? 'expired'
            : undefined;
      if (!to) {
        summary.unchanged += 1;
        continue;
      }
      const result = await settle(
        payment,
        to,
        {
          settledBy: to === 'expired' ? 'expiry' : 'recheck',
          gatewayTransactionId: answer.gatewayTransactionId,
          failureCode: answer.failureCode,
        },
        context,
      );
      if (!result.changed) summary.unchanged += 1;
      else summary[to] += 1;
    } catch (error) {
      summary.errors += 1;
      logger.error('payment re-check failed', { paymentId: payment.id, error: error as Error });
    }
  }
  return summary;
}

export const statementKey = (gateway: string, day: string) => `payments/statements/${gateway}/${day}.csv`;

export interface ReconciliationReport extends ComparisonResult {
  readonly day: string;
  readonly gateway: string;
  readonly statementKey: string;
  readonly statementFound: boolean;
  readonly issues: StatementIssue[];
  /** Our status of each extra code we know (money the gateway took for a payment we did not record paid). */
  readonly extraKnown: { code: string; paymentId: string; status: string }[];
  readonly generatedAt: string;
}

async function readStatement(key: string): Promise<Buffer | undefined> {
  try {
    return await s3Client().getObjectBytes(requireEnv(ENV.filesBucket), key);
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

/** Reconciles every configured gateway for a Vietnam day and stores one report per gateway. */
export async function reconcileDay(day: string): Promise<ReconciliationReport[]> {
  const reports: ReconciliationReport[] = [];
  for (const { id: gateway } of gatewaySettingsFromEnv()) {
    const key = statementKey(gateway, day);
    const [file, recorded] = await Promise.all([readStatement(key), paidOn(gateway, day)]);
    const { entries, issues } = file ? parseStatement(file) : { entries: [], issues: [] };
    const comparison = compareStatement(entries, recorded);
    const extraKnown: ReconciliationReport['extraKnown'] = [];
    for (const extra of comparison.extra) {
      const known = await paymentByCode(extra.code);
      if (known) extraKnown.push({ code: extra.code, paymentId: known.id, status: known.status });
    }
    const report: ReconciliationReport = {
      day,
      gateway,
      statementKey: key,
      statementFound: Boolean(file),
      issues,
      extraKnown,
      generatedAt: now().toISOString(),
      ...comparison,
    };
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...reconciliationKey(day, gateway), entityType: 'payment-reconciliation', ...report },
      }),
    );
    const clean = !comparison.missing.length && !comparison.extra.length && !comparison.mismatched.length;
    (clean ? logger.info : logger.warn).call(logger, 'payments reconciled', {
      day,
      gateway,
      statementFound: report.statementFound,
      matched: comparison.matched,
      missing: comparison.missing.length,
      extra: comparison.extra.length,
      mismatched: comparison.mismatched.length,
    });
    reports.push(report);
  }
  return reports;
}

/** The stored reports of a day, one per gateway. */
export async function reconciliationsOf(day: string): Promise<ReconciliationReport[]> {
  const { Items = [] } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': reconciliationKey(day, '').PK },
    }),
  );
  return Items.map((item) => stripKeys(item) as unknown as ReconciliationReport);
}
