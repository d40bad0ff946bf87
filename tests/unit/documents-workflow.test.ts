/** The document lifecycles and exchange codes as pure rules. */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodRange } from '#shared/documents/common.ts';
import {
  allowedIncomingActions,
  allowedOutgoingActions,
  currentCode,
  INCOMING_ACTIONS,
  INCOMING_STATUSES,
  incomingTransition,
  isSendableElectronically,
  OUTGOING_ACTIONS,
  OUTGOING_STATUSES,
  outgoingTransition,
  STATUS_CODE_LIST,
} from '#shared/documents/workflow.ts';
import { ROLES } from '#shared/http/route.ts';

describe('outgoing lifecycle', () => {
  it('goes draft → in-review → approved → signed → issued, and issues from approved for paper signatures', () => {
    expect(outgoingTransition('draft', 'submit', ['specialist'])).toEqual({ ok: true, next: 'in-review' });
    expect(outgoingTransition('in-review', 'approve', ['leader'])).toEqual({ ok: true, next: 'approved' });
    expect(outgoingTransition('approved', 'sign', ['leader'])).toEqual({ ok: true, next: 'signed' });
    expect(outgoingTransition('signed', 'issue', ['clerk'])).toEqual({ ok: true, next: 'issued' });
    expect(outgoingTransition('approved', 'issue', ['clerk'])).toEqual({ ok: true, next: 'issued' });
    expect(outgoingTransition('in-review', 'return', ['leader'])).toEqual({ ok: true, next: 'draft' });
  });

  it('refuses wrong roles and wrong states', () => {
    expect(outgoingTransition('in-review', 'approve', ['specialist', 'clerk'])).toMatchObject({ ok: false, reason: 'role' });
    expect(outgoingTransition('draft', 'issue', ['clerk'])).toMatchObject({ ok: false, reason: 'state' });
    expect(outgoingTransition('issued', 'issue', ['clerk'])).toMatchObject({ ok: false, reason: 'state' });
    expect(allowedOutgoingActions('issued', [...ROLES])).toEqual([]);
  });

  it('never leaves the declared statuses, whatever the sequence of actions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...OUTGOING_ACTIONS), fc.subarray([...ROLES]))), (steps) => {
        let status: (typeof OUTGOING_STATUSES)[number] = 'draft';
        for (const [action, roles] of steps) {
          const verdict = outgoingTransition(status, action, roles);
          if (verdict.ok) status = verdict.next;
          expect(OUTGOING_STATUSES).toContain(status);
        }
      }),
    );
  });
});

describe('incoming lifecycle', () => {
  it('registers, assigns, processes and completes; rejects only on receipt', () => {
    expect(incomingTransition('received', 'register', ['clerk'])).toEqual({ ok: true, next: 'registered' });
    expect(incomingTransition('registered', 'assign', ['leader'])).toEqual({ ok: true, next: 'assigned' });
    expect(incomingTransition('assigned', 'start', ['specialist'])).toEqual({ ok: true, next: 'processing' });
    expect(incomingTransition('processing', 'complete', ['specialist'])).toEqual({ ok: true, next: 'completed' });
    expect(incomingTransition('registered', 'reject', ['clerk'])).toMatchObject({ ok: false, reason: 'state' });
    expect(incomingTransition('registered', 'assign', ['clerk'])).toMatchObject({ ok: false, reason: 'role' });
  });

  it('closes for good after completed, rejected or recalled', () => {
    for (const status of ['completed', 'rejected', 'recalled'] as const) {
      expect(allowedIncomingActions(status, [...ROLES])).toEqual([]);
    }
    expect(INCOMING_ACTIONS.length).toBeGreaterThan(0);
    expect(INCOMING_STATUSES).toContain('recalled');
  });
});

describe('exchange status codes', () => {
  it('shows the latest report by when it happened, whatever the order of arrival', () => {
    expect(currentCode([])).toBeNull();
    expect(
      currentCode([
        { code: '01', at: '2026-11-22T01:00:00.000Z' },
        { code: '04', at: '2026-11-22T03:00:00.000Z' },
        { code: '03', at: '2026-11-22T02:00:00.000Z' },
      ]),
    ).toBe('04');
    expect(STATUS_CODE_LIST).toEqual(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
  });

  it('sends only unclassified documents electronically', () => {
    expect(isSendableElectronically('normal')).toBe(true);
    for (const level of ['confidential', 'secret', 'top-secret'] as const) expect(isSendableElectronically(level)).toBe(false);
  });

  it('turns a period of Vietnam days into a UTC sort-key range', () => {
    expect(periodRange('2026-11-22', '2026-11-22')).toEqual({
      low: '2026-11-21T17:00:00.000Z',
      high: '2026-11-22T17:00:00.000Z',
    });
    expect(periodRange()).toBeUndefined();
  });
});
