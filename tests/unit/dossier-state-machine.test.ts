import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_RULES,
  allowedActions,
  DOSSIER_ACTIONS,
  DOSSIER_STATUSES,
  FINAL_STATUSES,
  type MachineState,
  transition,
} from '#shared/dossiers/state-machine.ts';
import { ROLES } from '#shared/http/route.ts';

const start = (stepCount: number): MachineState => ({ status: 'submitted', stepIndex: 0, stepCount });

describe('dossier state machine', () => {
  it('no sequence of actions reaches an undefined state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({
            action: fc.constantFrom(...DOSSIER_ACTIONS),
            roles: fc.subarray([...ROLES], { minLength: 1 }),
            note: fc.option(fc.string({ minLength: 0, maxLength: 5 }), { nil: undefined }),
          }),
          { maxLength: 40 },
        ),
        (steps, actions) => {
          let state = start(steps);
          for (const { action, roles, note } of actions) {
            const allowed = allowedActions(state, roles);
            const result = transition(state, action, { roles, note });
            // transition and allowedActions agree (a note may still be missing)
            if (result.ok) expect(allowed).toContain(action);
            else if (result.reason !== 'note-required') expect(allowed).not.toContain(action);
            if (!result.ok) continue;
            state = result.next;
            expect(DOSSIER_STATUSES).toContain(state.status);
            expect(state.stepIndex).toBeGreaterThanOrEqual(0);
            expect(state.stepIndex).toBeLessThan(steps);
            if (state.status === 'awaiting-supplement') expect(state.resumeStatus).toBeDefined();
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('has no way out of a final status', () => {
    for (const status of FINAL_STATUSES) {
      expect(allowedActions({ status, stepIndex: 0, stepCount: 1 }, [...ROLES])).toEqual([]);
    }
  });

  it('can reach every status', () => {
    const reached = new Set<string>(['submitted']);
    let frontier: MachineState[] = [start(2)];
    for (let depth = 0; depth < 12; depth += 1) {
      frontier = frontier.flatMap((state) =>
        DOSSIER_ACTIONS.flatMap((action) => {
          const result = transition(state, action, { roles: [...ROLES], note: 'n' });
          if (!result.ok) return [];
          if (reached.has(`${result.next.status}/${result.next.stepIndex}`)) return [];
          reached.add(`${result.next.status}/${result.next.stepIndex}`);
          reached.add(result.next.status);
          return [result.next];
        }),
      );
    }
    for (const status of DOSSIER_STATUSES) expect(reached, status).toContain(status);
  });

  it('runs the happy path of a two-step inter-agency dossier', () => {
    const clerk = { roles: ['clerk' as const] };
    const leader = { roles: ['leader' as const] };
    let state = start(2);
    const apply = (
      action: (typeof DOSSIER_ACTIONS)[number],
      by: { roles: ('clerk' | 'leader' | 'citizen')[] },
      note?: string,
    ) => {
      const result = transition(state, action, { ...by, note });
      if (!result.ok) throw new Error(result.detail);
      state = result.next;
    };
    apply('receive', clerk);
    apply('request-supplement', clerk, 'Thiếu bản sao CCCD');
    expect(state.status).toBe('awaiting-supplement');
    apply('supplement', { roles: ['citizen'] });
    expect(state.status).toBe('received');
    apply('forward', clerk);
    expect(state).toMatchObject({ status: 'processing', stepIndex: 1 });
    expect(transition(state, 'forward', clerk)).toMatchObject({ ok: false, reason: 'step' });
    apply('extend', leader, 'Cần xác minh thực địa');
    apply('approve', leader);
    apply('release', clerk);
    apply('return', clerk);
    expect(state.status).toBe('returned');
  });

  it('refuses with a reason: illegal, role, note', () => {
    expect(transition(start(1), 'approve', { roles: ['leader'] })).toMatchObject({
      ok: false,
      reason: 'illegal',
    });
    expect(transition(start(1), 'receive', { roles: ['citizen'] })).toMatchObject({
      ok: false,
      reason: 'role',
    });
    expect(transition(start(1), 'cancel', { roles: ['clerk'] })).toMatchObject({
      ok: false,
      reason: 'note-required',
    });
    for (const rule of Object.values(ACTION_RULES)) expect(rule.roles.length).toBeGreaterThan(0);
  });
});
