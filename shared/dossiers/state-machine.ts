/**
 * The dossier lifecycle (hồ sơ thủ tục hành chính, Decree 61/2018 and 107/2021, Circular 01/2018),
 * as data: which action is allowed from which status, by which roles, acting for which agency.
 * Pure: no AWS, no clock. The repository applies the effects; tests prove no sequence of actions
 * reaches an undefined state (tests/unit/dossier-state-machine.test.ts).
 *
 *   submitted ──receive──▶ received ──assign/forward──▶ processing ──approve──▶ approved
 *       │                     │  ▲                          │  ▲                    │
 *       │                     ▼  │ supplement               ▼  │ supplement      release
 *       │              awaiting-supplement ◀──request-supplement                    ▼
 *       │                                                                        released ──return──▶ returned
 *   cancel / withdraw ─▶ cancelled            deny ─▶ denied
 */
import type { Role } from '#shared/http/route.ts';

export const DOSSIER_STATUSES = [
  'submitted', // nộp trực tuyến, chờ tiếp nhận
  'received', // đã tiếp nhận: số hồ sơ và ngày hẹn trả
  'processing', // đang xử lý tại một bước của quy trình
  'awaiting-supplement', // chờ bổ sung: đồng hồ tạm dừng
  'approved', // đã phê duyệt, có kết quả
  'released', // kết quả sẵn sàng trả (tại quầy, trực tuyến, bưu chính)
  'returned', // đã trả kết quả
  'denied', // từ chối giải quyết
  'cancelled', // hủy / rút hồ sơ
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

export const FINAL_STATUSES: readonly DossierStatus[] = ['returned', 'denied', 'cancelled'];

export const DOSSIER_ACTIONS = [
  'receive',
  'assign',
  'forward',
  'request-supplement',
  'supplement',
  'extend',
  'approve',
  'release',
  'return',
  'deny',
  'cancel',
  'withdraw',
] as const;
export type DossierAction = (typeof DOSSIER_ACTIONS)[number];

/** For which agency the actor acts: the one that received the dossier, or the one processing its current step. */
export type ActingAgency = 'receiving' | 'current';

export interface ActionRule {
  readonly from: readonly DossierStatus[];
  /** The status after the action; `resume` = the status the dossier had before it was paused; `same` = unchanged. */
  readonly to: DossierStatus | 'resume' | 'same';
  readonly roles: readonly Role[];
  /** Staff must work for this agency (citizens act as the dossier's owner). */
  readonly actingAgency: ActingAgency;
  /** A note is required (reason for denial, list of missing papers …). */
  readonly noteRequired?: boolean;
  /** Only when the dossier is at the last step of its workflow / not at the last step. */
  readonly step?: 'last' | 'not-last';
  readonly description: string;
}

export const ACTION_RULES: Readonly<Record<DossierAction, ActionRule>> = {
  receive: {
    from: ['submitted'],
    to: 'received',
    roles: ['clerk'],
    actingAgency: 'receiving',
    description: 'Tiếp nhận: checks the papers, issues the dossier number and the appointment date',
  },
  assign: {
    from: ['received', 'processing'],
    to: 'processing',
    roles: ['leader', 'clerk'],
    actingAgency: 'current',
    description: 'Phân công: gives the current step to a specialist',
  },
  forward: {
    from: ['received', 'processing'],
    to: 'processing',
    roles: ['clerk', 'specialist', 'leader'],
    actingAgency: 'current',
    step: 'not-last',
    description: 'Chuyển bước: moves to the next workflow step, possibly in another agency (liên thông)',
  },
  'request-supplement': {
    from: ['received', 'processing'],
    to: 'awaiting-supplement',
    roles: ['clerk', 'specialist', 'leader'],
    actingAgency: 'current',
    noteRequired: true,
    description: 'Yêu cầu bổ sung: asks the applicant for papers; the clock pauses',
  },
  supplement: {
    from: ['awaiting-supplement'],
    to: 'resume',
    roles: ['citizen', 'clerk'],
    actingAgency: 'receiving',
    description: 'Bổ sung: the papers arrived; the clock runs again',
  },
  extend: {
    from: ['received', 'processing'],
    to: 'same',
    roles: ['leader'],
    actingAgency: 'current',
    noteRequired: true,
    description: 'Gia hạn: adds working days; when already late, an apology letter is recorded',
  },
  approve: {
    from: ['processing'],
    to: 'approved',
    roles: ['leader'],
    actingAgency: 'current',
    step: 'last',
    description: 'Phê duyệt: the result is signed off at the last step',
  },
  release: {
    from: ['approved'],
    to: 'released',
    roles: ['clerk'],
    actingAgency: 'receiving',
    description: 'Sẵn sàng trả: the result is at the counter or sent online / by post',
  },
  return: {
    from: ['released'],
    to: 'returned',
    roles: ['clerk'],
    actingAgency: 'receiving',
    description: 'Trả kết quả: the applicant has the result',
  },
  deny: {
    from: ['received', 'processing', 'awaiting-supplement'],
    to: 'denied',
    roles: ['leader'],
    actingAgency: 'current',
    noteRequired: true,
    description: 'Từ chối: refuses with a written reason',
  },
  cancel: {
    from: ['submitted', 'received', 'awaiting-supplement'],
    to: 'cancelled',
    roles: ['clerk'],
    actingAgency: 'receiving',
    noteRequired: true,
    description: 'Hủy: cancelled at the counter (e.g. at the applicant’s written request)',
  },
  withdraw: {
    from: ['submitted', 'received', 'awaiting-supplement'],
    to: 'cancelled',
    roles: ['citizen'],
    actingAgency: 'receiving',
    description: 'Rút hồ sơ: the applicant withdraws an online dossier',
  },
};

export interface MachineState {
  readonly status: DossierStatus;
  /** Status to go back to after a supplement. */
  readonly resumeStatus?: DossierStatus;
  readonly stepIndex: number;
  readonly stepCount: number;
}

export type TransitionCheck =
  | { readonly ok: true; readonly next: MachineState }
  | {
      readonly ok: false;
      readonly reason: 'illegal' | 'role' | 'note-required' | 'step';
      readonly detail: string;
    };

/** Actions a caller with these roles may take now (for 409 responses and UIs). */
export function allowedActions(state: MachineState, roles: readonly Role[]): DossierAction[] {
  return DOSSIER_ACTIONS.filter((action) => {
    const rule = ACTION_RULES[action];
    return (
      rule.from.includes(state.status) &&
      rule.roles.some((role) => roles.includes(role)) &&
      stepAllows(rule, state)
    );
  });
}

function stepAllows(rule: ActionRule, state: MachineState): boolean {
  const last = state.stepIndex >= state.stepCount - 1;
  return rule.step === undefined || (rule.step === 'last' ? last : !last);
}

/** Checks an action and computes the next state (the repository applies the side effects). */
export function transition(
  state: MachineState,
  action: DossierAction,
  input: { roles: readonly Role[]; note?: string | undefined },
): TransitionCheck {
  const rule = ACTION_RULES[action];
  if (!rule.from.includes(state.status)) {
    return {
      ok: false,
      reason: 'illegal',
      detail: `"${action}" is not possible while the dossier is ${state.status}`,
    };
  }
  if (!rule.roles.some((role) => input.roles.includes(role))) {
    return {
      ok: false,
      reason: 'role',
      detail: `"${action}" needs one of the roles ${rule.roles.join(', ')}`,
    };
  }
  if (!stepAllows(rule, state)) {
    return {
      ok: false,
      reason: 'step',
      detail:
        rule.step === 'last'
          ? `"${action}" is only possible at the last step`
          : 'There is no next step; approve instead',
    };
  }
  if (rule.noteRequired && !input.note?.trim()) {
    return { ok: false, reason: 'note-required', detail: `"${action}" needs a note` };
  }
  const status =
    rule.to === 'resume' ? (state.resumeStatus ?? 'processing') : rule.to === 'same' ? state.status : rule.to;
  const stepIndex = action === 'forward' ? state.stepIndex + 1 : state.stepIndex;
  return {
    ok: true,
    next: {
      status,
      stepIndex,
      stepCount: state.stepCount,
      ...(rule.to === 'awaiting-supplement' ? { resumeStatus: state.status } : {}),
    },
  };
}
