/**
 * Official documents (văn bản đi / văn bản đến, Decree 30/2020/NĐ-CP on clerical work) as data:
 * vocabulary, the outgoing and incoming lifecycles, and the exchange status codes of the national
 * document exchange axis (Circular 01/2019/TT-BNV, QCVN 102:2016/BTTTT). Pure: no AWS, no clock.
 *
 * Outgoing:  draft ─submit─▶ in-review ─approve─▶ approved ─sign─▶ signed ─issue─▶ issued
 *              ▲                 │                    │                               │
 *              └─────return──────┘                    └──────issue (signed on paper)──┘
 * Incoming:  received(01) ─register─▶ registered(03) ─assign─▶ assigned(04) ─start─▶ processing(05)
 *               │                                                 │                      │
 *             reject ─▶ rejected(02)                           complete ──────────────▶ completed(06)
 *            any open status ─ accept recall ─▶ recalled (15 to the sender; 16 when refused)
 */
import type { Role } from '#shared/http/route.ts';

/** Document types (thể thức văn bản, Decree 30/2020 annex III) with their notation abbreviation. */
export const DOCUMENT_TYPES = {
  NQ: { name: 'Nghị quyết', legal: true },
  QD: { name: 'Quyết định', legal: true },
  CT: { name: 'Chỉ thị', legal: true },
  QC: { name: 'Quy chế', legal: false },
  TB: { name: 'Thông báo', legal: false },
  HD: { name: 'Hướng dẫn', legal: false },
  KH: { name: 'Kế hoạch', legal: false },
  BC: { name: 'Báo cáo', legal: false },
  TTr: { name: 'Tờ trình', legal: false },
  CV: { name: 'Công văn', legal: false },
  CD: { name: 'Công điện', legal: false },
  GM: { name: 'Giấy mời', legal: false },
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPES;
export const DOCUMENT_TYPE_CODES = Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]];

/** Độ khẩn; the index is edXML `OtherInfo/Priority` (0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc). */
export const URGENCIES = ['normal', 'urgent', 'very-urgent', 'flash'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Độ mật: thường, mật, tối mật, tuyệt mật. Anything but `normal` never travels electronically. */
export const CONFIDENTIALITIES = ['normal', 'confidential', 'secret', 'top-secret'] as const;
export type Confidentiality = (typeof CONFIDENTIALITIES)[number];

export const isSendableElectronically = (confidentiality: Confidentiality): boolean =>
  confidentiality === 'normal';

export const OUTGOING_STATUSES = ['draft', 'in-review', 'approved', 'signed', 'issued'] as const;
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];

export const OUTGOING_ACTIONS = ['submit', 'return', 'approve', 'sign', 'issue'] as const;
export type OutgoingAction = (typeof OUTGOING_ACTIONS)[number];

interface Rule<S extends string> {
  readonly from: readonly S[];
  readonly to: S;
  readonly roles: readonly Role[];
}

export const OUTGOING_RULES: Readonly<Record<OutgoingAction, Rule<OutgoingStatus>>> = {
  // The drafter (specialist, clerk or leader) sends the draft to the leader.
  submit: { from: ['draft'], to: 'in-review', roles: ['specialist', 'clerk', 'leader'] },
  return: { from: ['in-review', 'approved'], to: 'draft', roles: ['leader'] },
  approve: { from: ['in-review'], to: 'approved', roles: ['leader'] },
  sign: { from: ['approved'], to: 'signed', roles: ['leader'] },
  // The registry clerk (văn thư) numbers and issues; a document signed on paper is issued from `approved`.
  issue: { from: ['approved', 'signed'], to: 'issued', roles: ['clerk', 'leader'] },
};

export const INCOMING_STATUSES = [
  'received',
  'rejected',
  'registered',
  'assigned',
  'processing',
  'completed',
  'recalled',
] as const;
export type IncomingStatus = (typeof INCOMING_STATUSES)[number];

export const INCOMING_ACTIONS = ['register', 'reject', 'assign', 'start', 'complete'] as const;
export type IncomingAction = (typeof INCOMING_ACTIONS)[number];

export const INCOMING_RULES: Readonly<Record<IncomingAction, Rule<IncomingStatus>>> = {
  register: { from: ['received'], to: 'registered', roles: ['clerk'] },
  reject: { from: ['received'], to: 'rejected', roles: ['clerk', 'leader'] },
  assign: { from: ['registered', 'assigned'], to: 'assigned', roles: ['leader'] },
  start: { from: ['assigned'], to: 'processing', roles: ['specialist', 'leader'] },
  complete: { from: ['assigned', 'processing'], to: 'completed', roles: ['specialist', 'leader'] },
};

/** Incoming statuses that still count for the processing deadline. */
export const OPEN_INCOMING: readonly IncomingStatus[] = ['received', 'registered', 'assigned', 'processing'];

/** Exchange status codes (mã trạng thái, Circular 01/2019/TT-BNV) sent back to the sender. */
export const STATUS_CODES = {
  '01': 'arrived',
  '02': 'rejected',
  '03': 'registered',
  '04': 'assigned',
  '05': 'processing',
  '06': 'completed',
  '13': 'recall-requested',
  '15': 'recall-accepted',
  '16': 'recall-refused',
} as const;
export type StatusCode = keyof typeof STATUS_CODES;
/** In code order (Object.keys would put the integer-like keys 13, 15, 16 first). */
export const STATUS_CODE_LIST: [StatusCode, ...StatusCode[]] = ['01', '02', '03', '04', '05', '06', '13', '15', '16'];

export const CODE_OF_INCOMING: Readonly<Record<Exclude<IncomingStatus, 'recalled'>, StatusCode>> = {
  received: '01',
  rejected: '02',
  registered: '03',
  assigned: '04',
  processing: '05',
  completed: '06',
};

export type Verdict<S> =
  | { readonly ok: true; readonly next: S }
  | { readonly ok: false; readonly reason: 'role' | 'state'; readonly detail: string };

function decide<S extends string, A extends string>(
  rules: Readonly<Record<A, Rule<S>>>,
  status: S,
  action: A,
  roles: readonly Role[],
): Verdict<S> {
  const rule = rules[action];
  if (!rule.roles.some((role) => roles.includes(role))) {
    return { ok: false, reason: 'role', detail: `"${action}" is done by: ${rule.roles.join(', ')}` };
  }
  if (!rule.from.includes(status)) {
    return {
      ok: false,
      reason: 'state',
      detail: `"${action}" is not possible while the document is ${status}`,
    };
  }
  return { ok: true, next: rule.to };
}

export const outgoingTransition = (status: OutgoingStatus, action: OutgoingAction, roles: readonly Role[]) =>
  decide(OUTGOING_RULES, status, action, roles);

export const incomingTransition = (status: IncomingStatus, action: IncomingAction, roles: readonly Role[]) =>
  decide(INCOMING_RULES, status, action, roles);

export function allowedOutgoingActions(status: OutgoingStatus, roles: readonly Role[]): OutgoingAction[] {
  return OUTGOING_ACTIONS.filter((action) => outgoingTransition(status, action, roles).ok);
}

export function allowedIncomingActions(status: IncomingStatus, roles: readonly Role[]): IncomingAction[] {
  return INCOMING_ACTIONS.filter((action) => incomingTransition(status, action, roles).ok);
}

/**
 * The status a sender shows for one recipient: the code of the latest report, by the time it
 * happened at the recipient (reports may arrive out of order).
 */
export function currentCode(history: readonly { code: StatusCode; at: string }[]): StatusCode | null {
  let latest: { code: StatusCode; at: string } | undefined;
  for (const entry of history) if (!latest || entry.at >= latest.at) latest = entry;
  return latest?.code ?? null;
}

/** `8776/KH-UBND`: the number in the book and the notation (số và ký hiệu). */
export const numberNotation = (number: number, notation: string): string => `${number}/${notation}`;

/** Registration book codes: uppercase letters, digits and dashes (e.g. `VBDI`, `VBDEN`, `QD-UBND`). */
export const BOOK_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,23}$/;
export const DEFAULT_OUTGOING_BOOK = 'VBDI';
export const DEFAULT_INCOMING_BOOK = 'VBDEN';
