/** Pure payment rules: the transition table, fee lines, lookup codes, statement parsing and comparison. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paymentOutstanding } from '#shared/dossiers/dossier.ts';
import {
  canMove,
  linesOf,
  newPaymentCode,
  PAYMENT_CODE_PATTERN,
  PAYMENT_STATUSES,
  parseVietnamTimestamp,
  vietnamTimestamp,
} from '#shared/payments/payment.ts';
import { formatVnd } from '#shared/payments/receipt.ts';
import { compareStatement, parseStatement } from '#shared/payments/reconciliation.ts';

describe('payment states', () => {
  it('only pending settles, only paid is refunded, and nothing else moves', () => {
    const moves = PAYMENT_STATUSES.flatMap((from) =>
      PAYMENT_STATUSES.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`),
    );
    expect(moves).toEqual([
      'pending→paid',
      'pending→failed',
      'pending→expired',
      'pending→cancelled',
      'paid→refunded',
    ]);
  });

  it('a step that requires payment waits until the dossier’s fees are paid (again after a refund)', () => {
    const dossier = { currentStep: { requiresPayment: true }, fees: { total: 58_000 } } as Parameters<
      typeof paymentOutstanding
    >[0];
    expect(paymentOutstanding(dossier)).toBe(true);
    expect(
      paymentOutstanding({
        ...dossier,
        payment: { paymentId: 'p', code: 'c', amount: 58_000, status: 'paid' },
      }),
    ).toBe(false);
    expect(
      paymentOutstanding({
        ...dossier,
        payment: { paymentId: 'p', code: 'c', amount: 58_000, status: 'refunded' },
      }),
    ).toBe(true);
    expect(paymentOutstanding({ ...dossier, fees: { fee: 0, charge: 0, total: 0 } } as never)).toBe(false);
    expect(paymentOutstanding({ ...dossier, currentStep: {} } as never)).toBe(false);
  });
});

describe('amounts and codes', () => {
  it('sums the fee lines in integer VND, leaving out free lines', () => {
    expect(
      linesOf([
        { code: 'A', name: 'Lệ phí', kind: 'charge', amount: 50_000 },
        { code: 'B', name: 'Miễn phí', kind: 'fee', amount: 0 },
        { code: 'C', name: 'Phí', kind: 'fee', amount: 8_000 },
      ]),
    ).toEqual({
      lines: [
        { code: 'A', name: 'Lệ phí', kind: 'charge', amount: 50_000 },
        { code: 'C', name: 'Phí', kind: 'fee', amount: 8_000 },
      ],
      amount: 58_000,
    });
    expect(formatVnd(1_250_000)).toBe('1.250.000');
    expect(formatVnd(500)).toBe('500');
  });

  it('lookup codes carry the Vietnam day and are ASCII, 16 characters', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (at) => {
          const code = newPaymentCode(at);
          expect(code).toMatch(PAYMENT_CODE_PATTERN);
          expect(code).toHaveLength(16);
        },
      ),
    );
    expect(newPaymentCode(new Date('2026-11-21T18:30:00Z')).slice(0, 8)).toBe('TT261122');
  });

  it('gateway timestamps are yyyyMMddHHmmss in Vietnam time, both ways', () => {
    expect(vietnamTimestamp(new Date('2026-11-21T18:30:05Z'))).toBe('20261122013005');
    expect(parseVietnamTimestamp('20261122013005')?.toISOString()).toBe('2026-11-21T18:30:05.000Z');
    expect(parseVietnamTimestamp('2026112201300')).toBeUndefined();
  });
});

describe('reconciliation', () => {
  const ours = [
    { id: 'p1', code: 'TT1', amount: 58_000, currency: 'VND', status: 'paid', gatewayTransactionId: 'G1' },
    { id: 'p2', code: 'TT2', amount: 58_000, currency: 'VND', status: 'paid', gatewayTransactionId: 'G2' },
    { id: 'p3', code: 'TT3', amount: 20_000, currency: 'VND', status: 'paid', gatewayTransactionId: 'G3' },
  ];
  const csv = (rows: string[]) =>
    ['order_ref,transaction_id,amount,currency,status,paid_at', ...rows].join('\r\n');

  it('reports exactly the missing, the extra and the mismatched transaction', () => {
    const { entries, issues } = parseStatement(
      csv([
        'TT1,G1,58000,VND,paid,2026-11-21T03:00:00Z',
        'TT2,G2,5800,VND,paid,2026-11-21T03:05:00Z',
        'TT9,G9,10000,VND,paid,2026-11-21T03:09:00Z',
      ]),
    );
    expect(issues).toEqual([]);
    expect(compareStatement(entries, ours)).toEqual({
      matched: 1,
      missing: [{ code: 'TT3', paymentId: 'p3', amount: 20_000 }],
      extra: [{ code: 'TT9', transactionId: 'G9', amount: 10_000 }],
      mismatched: [
        { code: 'TT2', paymentId: 'p2', fields: [{ field: 'amount', ours: '58000', theirs: '5800' }] },
      ],
      duplicates: [],
    });
  });

  it('a statement equal to our records reconciles clean, in any order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(ours, { minLength: 3, maxLength: 3 }), (shuffled) => {
        const entries = shuffled.map((p) => ({
          code: p.code,
          transactionId: p.gatewayTransactionId,
          amount: p.amount,
          currency: 'VND',
          status: 'paid',
          paidAt: '',
        }));
        expect(compareStatement(entries, ours)).toEqual({
          matched: 3,
          missing: [],
          extra: [],
          mismatched: [],
          duplicates: [],
        });
      }),
    );
  });

  it('reports bad rows, duplicates, other currencies and transaction ids instead of guessing', () => {
    const { entries, issues } = parseStatement(
      csv([
        'TT1,G1,58000,VND,paid,x',
        'TT1,G1,58000,VND,paid,x',
        'TT2,G2,58.000,VND,paid,x',
        'TT3,GX,20000,USD,paid,x',
      ]),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.line).toBe(4);
    const result = compareStatement(entries, ours);
    expect(result.duplicates).toEqual(['TT1']);
    expect(result.mismatched).toEqual([
      {
        code: 'TT3',
        paymentId: 'p3',
        fields: [
          { field: 'currency', ours: 'VND', theirs: 'USD' },
          { field: 'transactionId', ours: 'G3', theirs: 'GX' },
        ],
      },
    ]);
    // TT2's row did not parse: it counts as missing from the statement.
    expect(result.missing.map((m) => m.code)).toEqual(['TT2']);
    expect(parseStatement('"unterminated').issues[0]!.message).toMatch(/Not a CSV file/);
  });
});
