/**
 * From summed cells to indicators: the exact definition of every figure a report shows (written
 * out for readers in docs/reports.md). Pure, no AWS. Rates are always computed from the counts
 * they are shown with, never stored or copied.
 */
import { type Cells, type Family, parseCell } from './cells.ts';

export interface Rate {
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator × 100, rounded half up to 2 decimals; null when the denominator is 0. */
  readonly percent: number | null;
}

export function rate(numerator: number, denominator: number): Rate {
  if (denominator === 0) return { numerator, denominator, percent: null };
  // Integer arithmetic first: basis points of a hundredth, rounded half up.
  const scaled = Math.floor((numerator * 10_000 * 2 + denominator) / (2 * denominator));
  return { numerator, denominator, percent: scaled / 100 };
}

/** Sum of the cells of one metric whose dimensions match `where`. */
export function sum(cells: Cells, metric: string, where: Readonly<Record<string, string>> = {}): number {
  let total = 0;
  for (const [name, value] of Object.entries(cells)) {
    const cell = parseCell(name);
    if (cell.metric !== metric) continue;
    let match = true;
    for (const [key, wanted] of Object.entries(where)) {
      if (cell.dimensions[key] !== wanted) {
        match = false;
        break;
      }
    }
    if (match) total += value;
  }
  return total;
}

export type Indicators = Record<string, number | Rate>;

/** Dossier indicators (one-stop shop). */
export function dossierIndicators(cells: Cells): Indicators {
  const early = sum(cells, 'returned', { outcome: 'early' });
  const onTime = sum(cells, 'returned', { outcome: 'on-time' });
  const late = sum(cells, 'returned', { outcome: 'late' });
  const returned = early + onTime + late;
  const denied = sum(cells, 'denied');
  const received = sum(cells, 'received');
  const fullyOnline = sum(cells, 'received', { full: '1' });
  return {
    received,
    receivedOnline: sum(cells, 'received', { channel: 'online' }),
    receivedAtCounter: sum(cells, 'received', { channel: 'counter' }),
    receivedByPost: sum(cells, 'received', { channel: 'postal' }),
    postalReturn: sum(cells, 'received', { delivery: 'postal' }),
    interAgency: sum(cells, 'received', { inter: '1' }),
    fullyOnline,
    handled: returned + denied,
    due: returned,
    returnedEarly: early,
    returnedOnTime: onTime,
    returnedLate: late,
    onTimeOrEarly: early + onTime,
    overdueUnresolved: sum(cells, 'overdue'),
    denied,
    cancelled: sum(cells, 'cancelled'),
    paused: sum(cells, 'paused'),
    onTimeRate: rate(early + onTime, returned),
    fullyOnlineShare: rate(fullyOnline, received),
  };
}

/** Official-document indicators (văn bản đến / đi). */
export function documentIndicators(cells: Cells): Indicators {
  const outgoing = sum(cells, 'outgoing');
  const signed = sum(cells, 'outgoing', { signed: '1' });
  return {
    incoming: sum(cells, 'incoming'),
    incomingOverdue: sum(cells, 'incomingOverdue'),
    outgoing,
    outgoingSigned: signed,
    signingRate: rate(signed, outgoing),
  };
}

/** Fee-payment indicators (amounts in integer VND). */
export function paymentIndicators(cells: Cells): Indicators {
  const payments = sum(cells, 'paid');
  const online = sum(cells, 'paid', { channel: 'online' });
  const amount = sum(cells, 'amount');
  const onlineAmount = sum(cells, 'amount', { channel: 'online' });
  return {
    payments,
    amount,
    onlinePayments: online,
    onlineAmount,
    onlinePaymentShare: rate(online, payments),
    onlineAmountShare: rate(onlineAmount, amount),
  };
}

/** Usage metering for the rental model (billing columns). */
export const USAGE_METRICS = [
  'dossiersReceived',
  'documentsSent',
  'documentsReceived',
  'signatures',
  'payments',
  'storageBytes',
  'apiCalls',
] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

export function usageIndicators(cells: Cells): Indicators {
  const result: Indicators = {};
  for (const metric of USAGE_METRICS) result[metric] = sum(cells, metric);
  return result;
}

export const indicatorsOf: Readonly<Record<Family, (cells: Cells) => Indicators>> = {
  dossiers: dossierIndicators,
  documents: documentIndicators,
  payments: paymentIndicators,
  usage: usageIndicators,
};

/** Names of the count columns and rate columns of a family, in display order. */
export function columnsOf(family: Family): { counts: string[]; rates: string[] } {
  const sample = indicatorsOf[family]({});
  const counts: string[] = [];
  const rates: string[] = [];
  for (const [name, value] of Object.entries(sample)) (typeof value === 'number' ? counts : rates).push(name);
  return { counts, rates };
}
