/**
 * Reconciliation (đối soát): pure rules, no AWS.
 *
 * A gateway's daily statement is a CSV file with a header row:
 * `order_ref,transaction_id,amount,currency,status,paid_at` (order_ref = our lookup code,
 * amount in integer VND, status `paid` or `refunded`, paid_at ISO 8601). It is compared with the
 * payments we recorded as paid through that gateway on that Vietnam day:
 * - missing: we recorded it paid, the statement does not list it;
 * - extra: the statement lists it, we have no payment paid that day under that code (unknown code,
 *   or our payment is pending / expired / failed / cancelled: money taken that we did not record);
 * - mismatched: both have it, but amount, currency or transaction id differ.
 */
import { parse } from 'csv-parse/sync';
import * as z from 'zod/mini';

export const STATEMENT_COLUMNS = [
  'order_ref',
  'transaction_id',
  'amount',
  'currency',
  'status',
  'paid_at',
] as const;

export const StatementRow = z.object({
  order_ref: z.string().check(z.minLength(1)),
  transaction_id: z.string(),
  amount: z.string().check(z.regex(/^\d{1,15}$/, 'amount is an integer VND')),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  status: z.string(),
  paid_at: z.string(),
});

export interface StatementEntry {
  readonly code: string;
  readonly transactionId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: string;
  readonly paidAt: string;
}

export interface StatementIssue {
  readonly line: number;
  readonly message: string;
}

/** Parses a statement; rows that do not parse are reported as issues (and count as nothing). */
export function parseStatement(csv: string | Buffer): {
  entries: StatementEntry[];
  issues: StatementIssue[];
} {
  const issues: StatementIssue[] = [];
  let records: Record<string, string>[];
  try {
    records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    return { entries: [], issues: [{ line: 0, message: `Not a CSV file: ${(error as Error).message}` }] };
  }
  const entries: StatementEntry[] = [];
  records.forEach((record, i) => {
    const parsed = StatementRow.safeParse(record);
    if (!parsed.success) {
      issues.push({
        line: i + 2,
        message: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      });
      return;
    }
    const row = parsed.data;
    entries.push({
      code: row.order_ref,
      transactionId: row.transaction_id,
      amount: Number(row.amount),
      currency: row.currency,
      status: row.status,
      paidAt: row.paid_at,
    });
  });
  return { entries, issues };
}

/** Our side of a reconciliation: a payment recorded paid that day. */
export interface RecordedPayment {
  readonly id: string;
  readonly code: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: string;
  readonly gatewayTransactionId?: string | undefined;
}

export interface Mismatch {
  readonly code: string;
  readonly paymentId: string;
  readonly fields: {
    readonly field: 'amount' | 'currency' | 'transactionId';
    readonly ours: string;
    readonly theirs: string;
  }[];
}

export interface ComparisonResult {
  readonly matched: number;
  readonly missing: { code: string; paymentId: string; amount: number }[];
  readonly extra: { code: string; transactionId: string; amount: number }[];
  readonly mismatched: Mismatch[];
  readonly duplicates: string[];
}

/** Compares a statement with our records of the same gateway and day. */
export function compareStatement(
  statement: readonly StatementEntry[],
  recorded: readonly RecordedPayment[],
): ComparisonResult {
  const ours = new Map(recorded.map((payment) => [payment.code, payment]));
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const extra: ComparisonResult['extra'] = [];
  const mismatched: Mismatch[] = [];
  let matched = 0;
  for (const entry of statement) {
    if (seen.has(entry.code)) {
      duplicates.push(entry.code);
      continue;
    }
    seen.add(entry.code);
    const payment = ours.get(entry.code);
    if (!payment) {
      extra.push({ code: entry.code, transactionId: entry.transactionId, amount: entry.amount });
      continue;
    }
    const fields: Mismatch['fields'] = [];
    if (entry.amount !== payment.amount) {
      fields.push({ field: 'amount', ours: String(payment.amount), theirs: String(entry.amount) });
    }
    if (entry.currency !== payment.currency) {
      fields.push({ field: 'currency', ours: payment.currency, theirs: entry.currency });
    }
    if (
      payment.gatewayTransactionId &&
      entry.transactionId &&
      entry.transactionId !== payment.gatewayTransactionId
    ) {
      fields.push({
        field: 'transactionId',
        ours: payment.gatewayTransactionId,
        theirs: entry.transactionId,
      });
    }
    if (fields.length) mismatched.push({ code: entry.code, paymentId: payment.id, fields });
    else matched += 1;
  }
  const missing = recorded
    .filter((payment) => !seen.has(payment.code))
    .map((payment) => ({ code: payment.code, paymentId: payment.id, amount: payment.amount }));
  return { matched, missing, extra, mismatched, duplicates };
}
