/**
 * Payment use cases and persistence (keys: ./keys.ts, rules: ./payment.ts, gateways: ./gateways/).
 * Every change commits through commitChange: the payment, its audit record and its event in one
 * transaction; a settling change is conditional on the payment still being `pending`, so two
 * callbacks (or a callback and the re-check job) make exactly one transition.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  PaymentCancelledV1,
  PaymentExpiredV1,
  PaymentFailedV1,
  PaymentPaidV1,
  PaymentRefundedV1,
  PaymentRequestedV1,
  type PaymentSummary,
} from '#events/payments/payment-events.v1.ts';
import type { Dossier } from '../dossiers/dossier.ts';
import { dossierKey } from '../dossiers/keys.ts';
import { participants, requireDossier } from '../dossiers/repository.ts';
import { FINAL_STATUSES } from '../dossiers/state-machine.ts';
import type { AccessTarget, Principal } from '../http/auth.ts';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../http/errors.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange, type DomainWrite, type PendingEvent } from '../platform/change.ts';
import { now } from '../platform/clock.ts';
import { queryAll } from '../platform/query.ts';
import { isConditionalCheckFailed, nowIso, stripKeys, tableName } from '../platform/table.ts';
import { requireProcedure } from '../procedures/repository.ts';
import { GatewayError, GatewayOutcomeUnknownError } from './gateways/gateway.ts';
import { gatewayById } from './gateways/registry.ts';
import {
  ENTITY_PAYMENT,
  PENDING_PARTITION,
  paidDayPartition,
  paymentCodeKey,
  paymentIndexKeys,
  paymentKey,
  paymentRefundKey,
  paymentSlotKey,
} from './keys.ts';
import {
  type CreatePayment,
  canMove,
  isSettledUnpaid,
  linesOf,
  newPaymentCode,
  PAYMENT_TTL_MINUTES,
  type Payment,
  type PaymentStatus,
} from './payment.ts';

type Authorize = (target: AccessTarget) => Promise<void>;

const toPayment = (item: Record<string, unknown>): Payment => stripKeys(item) as unknown as Payment;
const toItem = (payment: Payment) => ({
  ...paymentKey(payment.id),
  ...paymentIndexKeys(payment),
  entityType: ENTITY_PAYMENT,
  ...payment,
});

/**
 * The move from `before` to `next` as one UpdateItem of the attributes it changes (set, or removed
 * when `next` has no more of them, e.g. an index key), leaving the others as stored: a receipt the
 * receipts worker records meanwhile (its own conditional write, no version bump) is kept, where a
 * Put of `next` would erase it.
 */
function paymentUpdate(
  before: Payment,
  next: Payment,
  condition: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
) {
  const kept = new Set(['PK', 'SK', 'receipt']);
  const after = toItem(next) as Record<string, unknown>;
  const set = Object.keys(after).filter((name) => !kept.has(name));
  const removed = Object.keys(toItem(before)).filter((name) => !kept.has(name) && !(name in after));
  const names: Record<string, string> = { ...condition.names };
  const values: Record<string, unknown> = { ...condition.values };
  const assignments = set.map((name, i) => {
    names[`#u${i}`] = name;
    values[`:u${i}`] = after[name];
    return `#u${i} = :u${i}`;
  });
  const removals = removed.map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  return {
    TableName: tableName(),
    Key: paymentKey(next.id),
    UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
    ConditionExpression: condition.expression,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The payment as every payment event carries it. */
export function summaryOf(payment: Payment): PaymentSummary {
  const sum = (kind: 'fee' | 'charge') =>
    payment.lines.filter((line) => line.kind === kind).reduce((total, line) => total + line.amount, 0);
  return {
    id: payment.id,
    code: payment.code,
    dossierId: payment.dossierId,
    dossierCode: payment.dossierCode,
    purpose: payment.purpose,
    agencyCode: payment.agencyCode,
    procedureCode: payment.procedureCode,
    field: payment.field,
    paymentChannel: 'online',
    dossierChannel: payment.dossierChannel,
    gateway: payment.gateway,
    protocol: payment.protocol,
    amount: payment.amount,
    fee: sum('fee'),
    charge: sum('charge'),
    currency: payment.currency,
    status: payment.status,
    createdAt: payment.createdAt,
    paidAt: payment.paidAt ?? null,
    settledBy: payment.settledBy ?? null,
  };
}

/** Who may see a payment: the payer (owner of an online dossier) and the collecting agency. */
export const accessTargetOf = (payment: Payment): AccessTarget => ({
  agencyCode: payment.agencyCode,
  ...(payment.ownerSub ? { ownerSub: payment.ownerSub } : {}),
});

export async function getPayment(id: string): Promise<Payment | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: paymentKey(id), ConsistentRead: true }),
  );
  return Item ? toPayment(Item) : undefined;
}

export async function requirePayment(id: string): Promise<Payment> {
  const payment = await getPayment(id);
  if (!payment) throw new NotFoundError('No such payment');
  return payment;
}

/** The payment with this lookup code (MaTraCuuTT / vnp_TxnRef). */
export async function paymentByCode(code: string): Promise<Payment | undefined> {
  if (!code) return undefined;
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: paymentCodeKey(code) }));
  return Item ? getPayment(Item.paymentId as string) : undefined;
}

async function currentRequest(dossierId: string, purpose: string): Promise<Payment | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: paymentSlotKey(dossierId, purpose), ConsistentRead: true }),
  );
  return Item ? getPayment(Item.paymentId as string) : undefined;
}

export interface CreateResult {
  readonly payment: Payment;
  /** False when the dossier already had a live request for this purpose (returned as is). */
  readonly created: boolean;
}

/**
 * Creates the payment request of a dossier for a purpose, or returns the live one: a pending,
 * unexpired request or a paid one is answered again; after a failed, expired or cancelled attempt
 * a new attempt starts (the request slot moves to it conditionally, so two racing requests make one).
 */
export async function createPayment(
  input: CreatePayment,
  context: ChangeContext,
  authorize: Authorize,
  clientIp: string,
): Promise<CreateResult> {
  const dossier = await requireDossier(input.dossierId);
  await authorize({
    agencyCode: dossier.receivingAgency,
    ...(dossier.ownerSub ? { ownerSub: dossier.ownerSub } : {}),
  });
  if (FINAL_STATUSES.includes(dossier.status)) {
    throw new ConflictError(`The dossier is ${dossier.status}; nothing can be paid for it`);
  }
  let previous = await currentRequest(dossier.id, input.purpose);
  if (previous?.status === 'pending' && new Date(previous.expiresAt) <= now()) {
    previous = (await settle(previous, 'expired', { settledBy: 'request' }, context)).payment;
  }
  if (previous && !isSettledUnpaid(previous.status)) return { payment: previous, created: false };

  const adapter = await gatewayById(input.gateway);
  if (!adapter) {
    throw new ValidationError([
      { path: 'body.gateway', message: 'No such gateway in this province', code: 'not_found' },
    ]);
  }
  const procedure = await requireProcedure(dossier.procedure.code, dossier.procedure.version).catch(() =>
    requireProcedure(dossier.procedure.code),
  );
  const { lines, amount } = linesOf(procedure.fees);
  if (amount <= 0) throw new ConflictError('The procedure of this dossier has no fees to pay');

  const at = now();
  const payment: Payment = {
    id: randomUUID(),
    code: newPaymentCode(at),
    dossierId: dossier.id,
    dossierCode: dossier.code,
    purpose: input.purpose,
    agencyCode: dossier.receivingAgency,
    procedureCode: dossier.procedure.code,
    procedureName: dossier.procedure.name,
    field: dossier.procedure.field,
    dossierChannel: dossier.channel,
    gateway: adapter.settings.id,
    protocol: adapter.settings.protocol,
    lines,
    amount,
    currency: 'VND',
    status: 'pending',
    payer: { name: dossier.applicant.fullName, idType: dossier.applicant.identity.idType },
    ownerSub: dossier.ownerSub,
    redirectUrl: '',
    expiresAt: new Date(at.getTime() + PAYMENT_TTL_MINUTES * 60_000).toISOString(),
    version: 1,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
  let redirectUrl: string;
  try {
    ({ redirectUrl } = await adapter.createPayment({
      payment: {
        ...payment,
        payerName: dossier.applicant.fullName,
        payerIdNumber: dossier.applicant.identity.idNumber,
      },
      returnUrl: input.returnUrl ?? adapter.settings.returnUrl,
      clientIp,
    }));
  } catch (error) {
    if (error instanceof GatewayError) {
      throw new ServiceUnavailableError(
        `The gateway ${adapter.settings.id} is unavailable: ${error.message}`,
      );
    }
    throw error;
  }
  payment.redirectUrl = redirectUrl;

  const table = tableName();
  const slotTaken = new ConflictError('slot-taken');
  try {
    await commitChange({
      context,
      agencyCode: payment.agencyCode,
      action: 'payment.requested',
      entity: { type: ENTITY_PAYMENT, id: payment.id },
      after: payment,
      writes: [
        {
          item: {
            Put: {
              TableName: table,
              Item: {
                ...paymentSlotKey(dossier.id, input.purpose),
                entityType: 'payment-slot',
                paymentId: payment.id,
              },
              ConditionExpression: previous ? 'paymentId = :previous' : 'attribute_not_exists(PK)',
              ...(previous ? { ExpressionAttributeValues: { ':previous': previous.id } } : {}),
            },
          },
          onConditionFailed: () => slotTaken,
        },
        {
          item: {
            Put: { TableName: table, Item: toItem(payment), ConditionExpression: 'attribute_not_exists(PK)' },
          },
        },
        {
          item: {
            Put: {
              TableName: table,
              Item: { ...paymentCodeKey(payment.code), entityType: 'payment-code', paymentId: payment.id },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        },
      ],
      events: [eventOf(PaymentRequestedV1, payment, dossier)],
    });
  } catch (error) {
    if (error !== slotTaken) throw error;
    // Another request for the same dossier and purpose won the race: answer with its payment.
    const winner = await currentRequest(dossier.id, input.purpose);
    if (!winner) throw new ConflictError('The payment request changed meanwhile; retry');
    return { payment: winner, created: false };
  }
  return { payment, created: true };
}

const recipientsOf = (
  payment: Payment,
  dossier?: Pick<Dossier, 'receivingAgency' | 'steps' | 'stepIndex'>,
) => (dossier ? participants(dossier) : [payment.agencyCode]);

function eventOf(
  contract: typeof PaymentRequestedV1,
  payment: Payment,
  dossier?: Pick<Dossier, 'receivingAgency' | 'steps' | 'stepIndex'>,
): PendingEvent {
  return { contract, data: { payment: summaryOf(payment) }, recipients: recipientsOf(payment, dossier) };
}

const STATUS_EVENTS = {
  paid: PaymentPaidV1,
  failed: PaymentFailedV1,
  expired: PaymentExpiredV1,
  cancelled: PaymentCancelledV1,
} as const;

export interface SettleDetails {
  readonly settledBy: NonNullable<Payment['settledBy']>;
  readonly gatewayTransactionId?: string | undefined;
  readonly failureCode?: string | undefined;
}

export interface SettleResult {
  /** False when the payment had already left `pending` (a replay, a duplicate, a race lost). */
  readonly changed: boolean;
  readonly payment: Payment;
}

/**
 * Moves a pending payment to paid, failed, expired or cancelled, exactly once: the write is
 * conditional on status `pending` and the version read. A paid payment also marks the dossier
 * paid in the same transaction, which lets a step that requires payment proceed.
 */
export async function settle(
  before: Payment,
  to: 'paid' | 'failed' | 'expired' | 'cancelled',
  details: SettleDetails,
  context: ChangeContext,
): Promise<SettleResult> {
  if (!canMove(before.status, to)) return { changed: false, payment: before };
  const at = now().toISOString();
  const next: Payment = {
    ...before,
    status: to,
    settledBy: details.settledBy,
    version: before.version + 1,
    updatedAt: at,
    ...(details.gatewayTransactionId ? { gatewayTransactionId: details.gatewayTransactionId } : {}),
    ...(to === 'paid' ? { paidAt: at } : {}),
    ...(to === 'failed'
      ? { failedAt: at, ...(details.failureCode ? { failureCode: details.failureCode } : {}) }
      : {}),
    ...(to === 'expired' ? { expiredAt: at } : {}),
    ...(to === 'cancelled' ? { cancelledAt: at } : {}),
  };
  const lost = new ConflictError('already-settled');
  const writes: DomainWrite[] = [
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: toItem(next),
          ConditionExpression: '#status = :pending AND #version = :version',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':pending': 'pending', ':version': before.version },
        },
      },
      onConditionFailed: () => lost,
    },
  ];
  if (to === 'paid') writes.push(dossierPaymentWrite(next));
  const dossier = await requireDossier(before.dossierId).catch(() => undefined);
  try {
    await commitChange({
      context,
      agencyCode: before.agencyCode,
      action: `payment.${to}`,
      entity: { type: ENTITY_PAYMENT, id: before.id },
      before,
      after: next,
      writes,
      events: [eventOf(STATUS_EVENTS[to], next, dossier)],
    });
  } catch (error) {
    if (error !== lost) throw error;
    return { changed: false, payment: (await getPayment(before.id)) ?? before };
  }
  return { changed: true, payment: next };
}

/** Records the payment on the dossier (its `payment` field, version bumped so stale writers get 409/412). */
function dossierPaymentWrite(payment: Payment): DomainWrite {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: dossierKey(payment.dossierId),
        UpdateExpression: 'SET #payment = :payment, #version = #version + :one, updatedAt = :at',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#payment': 'payment', '#version': 'version' },
        ExpressionAttributeValues: {
          ':payment': {
            paymentId: payment.id,
            code: payment.code,
            amount: payment.amount,
            status: payment.status,
            ...(payment.paidAt ? { paidAt: payment.paidAt } : {}),
            ...(payment.refund ? { refundedAt: payment.refund.at } : {}),
          },
          ':one': 1,
          ':at': payment.updatedAt,
        },
      },
    },
  };
}

export async function cancelPayment(
  id: string,
  context: ChangeContext,
  authorize: Authorize,
): Promise<Payment> {
  const payment = await requirePayment(id);
  await authorize(accessTargetOf(payment));
  if (payment.status !== 'pending') {
    throw new ConflictError(`The payment is ${payment.status}; only a pending payment can be cancelled`, {
      status: payment.status,
    });
  }
  const result = await settle(payment, 'cancelled', { settledBy: 'request' }, context);
  if (!result.changed) {
    throw new ConflictError(
      `The payment is ${result.payment.status}; only a pending payment can be cancelled`,
      {
        status: result.payment.status,
      },
    );
  }
  return result.payment;
}

/**
 * Refunds a paid payment through its gateway (whole amount unless less is given), once: the
 * payment's refund is taken (takeRefund) before the gateway is asked, so concurrent refunds ask it
 * once; the losers answer 409.
 */
export async function refundPayment(
  id: string,
  input: { amount?: number | undefined; reason: string },
  principal: Principal,
  context: ChangeContext,
  authorize: Authorize,
): Promise<Payment> {
  const before = await requirePayment(id);
  await authorize({ agencyCode: before.agencyCode });
  if (!canMove(before.status, 'refunded')) {
    throw new ConflictError(`The payment is ${before.status}; only a paid payment can be refunded`, {
      status: before.status,
    });
  }
  const amount = input.amount ?? before.amount;
  if (amount > before.amount) {
    throw new ValidationError([
      { path: 'body.amount', message: `At most the amount paid (${before.amount} VND)`, code: 'too_big' },
    ]);
  }
  const adapter = await gatewayById(before.gateway);
  if (!adapter) throw new ServiceUnavailableError(`The gateway ${before.gateway} is no longer configured`);
  // Taken before the gateway is asked: two concurrent refunds never both reach the gateway.
  const token = await takeRefund(before, amount, principal.username);
  let reference: string;
  try {
    ({ reference } = await adapter.refund(before, { amount, reason: input.reason, by: principal.username }));
  } catch (error) {
    if (error instanceof GatewayOutcomeUnknownError) {
      // The gateway may have refunded: the refund stays taken (`asked`), never asked twice; an
      // operator settles it against the gateway's statement (docs/payments.md).
      throw new ServiceUnavailableError(
        `The gateway did not answer the refund (${error.message}); it is held until checked against the gateway's statement, and will not be asked again`,
      );
    }
    // The gateway refused, or was never reached: the refund may be asked for again.
    await releaseRefund(before.id, token);
    if (error instanceof GatewayError) throw new ServiceUnavailableError(`Refund failed: ${error.message}`);
    throw error;
  }
  const at = now().toISOString();
  const next: Payment = {
    ...before,
    status: 'refunded',
    refund: { at, amount, reason: input.reason, gatewayReference: reference },
    version: before.version + 1,
    updatedAt: at,
  };
  const dossier = await requireDossier(before.dossierId).catch(() => undefined);
  await commitChange({
    context,
    agencyCode: before.agencyCode,
    action: 'payment.refunded',
    entity: { type: ENTITY_PAYMENT, id: before.id },
    before,
    after: next,
    writes: [
      {
        item: {
          Update: paymentUpdate(before, next, {
            expression: '#status = :paid AND #version = :version',
            names: { '#status': 'status', '#version': 'version' },
            values: { ':paid': 'paid', ':version': before.version },
          }),
        },
        onConditionFailed: () => new ConflictError('The payment changed meanwhile; read it again'),
      },
      {
        item: {
          Update: {
            TableName: tableName(),
            Key: paymentRefundKey(before.id),
            UpdateExpression: 'SET #state = :done, gatewayReference = :reference',
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#state': 'state', '#token': 'token' },
            ExpressionAttributeValues: { ':done': 'done', ':reference': reference, ':token': token },
          },
        },
      },
      dossierPaymentWrite(next),
    ],
    events: [
      {
        contract: PaymentRefundedV1,
        data: { payment: summaryOf(next), refund: next.refund! },
        recipients: recipientsOf(next, dossier),
      },
    ],
  });
  return next;
}

const refundTaken = (status: PaymentStatus) =>
  new ConflictError('A refund of this payment was already made or is in progress', { status });

/**
 * Takes the payment's one refund (`PAYMENT#<id>`/REFUND, written once) before the gateway is asked.
 * A refund left `asked` (the gateway answered, the commit did not happen) blocks others until an
 * operator settles it against the gateway's statement. Returns the token that owns it.
 */
async function takeRefund(payment: Payment, amount: number, by: string): Promise<string> {
  const token = randomUUID();
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...paymentRefundKey(payment.id),
          entityType: 'payment-refund',
          state: 'asked',
          token,
          amount,
          by,
          at: nowIso(),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // Ours already, when the SDK re-sent the write after its answer was lost.
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: paymentRefundKey(payment.id), ConsistentRead: true }),
    );
    if (Item?.token !== token) throw refundTaken(payment.status);
  }
  return token;
}

async function releaseRefund(id: string, token: string): Promise<void> {
  await ddb()
    .send(
      new DeleteCommand({
        TableName: tableName(),
        Key: paymentRefundKey(id),
        ConditionExpression: '#token = :token AND #state = :asked',
        ExpressionAttributeNames: { '#token': 'token', '#state': 'state' },
        ExpressionAttributeValues: { ':token': token, ':asked': 'asked' },
      }),
    )
    .catch(() => undefined);
}

/** Pending payments created before `cutoff`, oldest first (GSI1). */
export async function pendingCreatedBefore(cutoff: Date): Promise<Payment[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :cutoff',
    ExpressionAttributeValues: { ':pk': PENDING_PARTITION, ':cutoff': cutoff.toISOString() },
  });
  return items.map(toPayment);
}

/** Payments of a gateway paid on a Vietnam day (also those refunded since), by code (GSI2). */
export async function paidOn(gateway: string, day: string): Promise<Payment[]> {
  const items = await queryAll({
    IndexName: 'GSI2',
    KeyConditionExpression: 'GSI2PK = :pk',
    ExpressionAttributeValues: { ':pk': paidDayPartition(gateway, day) },
  });
  return items.map(toPayment);
}

/** Every payment request of a dossier, oldest first (GSI3). */
export async function paymentsOfDossier(dossierId: string): Promise<Payment[]> {
  const { Items = [] } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': `PAYDOSSIER#${dossierId}` },
    }),
  );
  return Items.map(toPayment);
}

export type { PaymentStatus };
