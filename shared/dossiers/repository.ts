/**
 * Dossier use cases and persistence (keys: ./keys.ts, lifecycle: ./state-machine.ts). Every change
 * commits through commitChange: the dossier, its history entry, its audit record and its event.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { GetCommand, QueryCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DossierRatedV1,
  DossierStatusChangedV1,
  DossierSubmittedV1,
} from '#events/dossiers/dossier-events.v1.ts';
import { getAgency } from '../agencies/repository.ts';
import { vietnamDayOf } from '../calendar/civil-date.ts';
import { getStoredFile } from '../files/repository.ts';
import type { Principal } from '../http/auth.ts';
import {
  ConflictError,
  type FieldIssue,
  ForbiddenError,
  HttpProblem,
  NotFoundError,
  ValidationError,
} from '../http/errors.ts';
import { assertIfMatch, type IfMatch } from '../http/etag.ts';
import type { Page } from '../http/pagination.ts';
import { withNextNumber } from '../numbering/counter.ts';
import { ddb } from '../platform/aws-clients.ts';
import { type ChangeContext, commitChange, type DomainWrite } from '../platform/change.ts';
import { now as clockNow } from '../platform/clock.ts';
import { queryPage } from '../platform/query.ts';
import { nowIso, stripKeys, tableName } from '../platform/table.ts';
import { validateForm } from '../procedures/form.ts';
import type { Procedure } from '../procedures/procedure.ts';
import { requireProcedure } from '../procedures/repository.ts';
import { resolveStepAgency, totalFees } from '../procedures/workflow.ts';
import { apologyLetter } from './apology-letter.ts';
import { DUE_SOON_WORKING_DAYS, dueDateOf, workingCalendar } from './deadline.ts';
import {
  type Dossier,
  type HistoryEntry,
  outcomeOf,
  paymentOutstanding,
  STEP_FINISHING_ACTIONS,
  type SubmitDossier,
  type Transition,
} from './dossier.ts';
import {
  dossierIndexKeys,
  dossierKey,
  ENTITY_DOSSIER,
  historyKey,
  lookupKey,
  numberCounterKey,
  queuePartition,
} from './keys.ts';
import { ACTION_RULES, allowedActions, transition as check, type DossierStatus } from './state-machine.ts';

const toDossier = (item: Record<string, unknown>): Dossier => stripKeys(item) as unknown as Dossier;
const toItem = (dossier: Dossier) => ({
  ...dossierKey(dossier.id),
  ...dossierIndexKeys(dossier),
  entityType: ENTITY_DOSSIER,
  ...dossier,
});

const hashIdNumber = (idNumber: string) => createHash('sha256').update(`dossier-lookup:${idNumber}`).digest();

/** The dossier as events carry it (DossierSummary of events/dossiers): no applicant, no form. */
export function summaryOf(dossier: Dossier) {
  return {
    id: dossier.id,
    code: dossier.code,
    procedureCode: dossier.procedure.code,
    procedureVersion: dossier.procedure.version,
    field: dossier.procedure.field,
    onlineLevel: dossier.procedure.onlineLevel,
    channel: dossier.channel,
    deliveryMethod: dossier.delivery.method,
    applicantKind: dossier.applicant.kind,
    receivingAgency: dossier.receivingAgency,
    currentAgency: dossier.currentAgency,
    interAgency: dossier.interAgency,
    status: dossier.status,
    submittedAt: dossier.submittedAt,
    receivedAt: dossier.receivedAt ?? null,
    dueAt: dossier.dueAt ?? null,
    finishedAt: dossier.finishedAt ?? null,
    outcome: dossier.outcome ?? null,
    feesTotal: dossier.fees.total,
  };
}

/** Agencies that have handled (or hold) the dossier: they see it and receive its events. */
export const participants = (dossier: Pick<Dossier, 'receivingAgency' | 'steps' | 'stepIndex'>): string[] => [
  ...new Set([
    dossier.receivingAgency,
    ...dossier.steps.slice(0, dossier.stepIndex + 1).map((step) => step.agencyCode),
  ]),
];

function historyWrite(dossier: Dossier, entry: HistoryEntry, n: number): DomainWrite {
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...historyKey(dossier.id, entry.at, n), entityType: 'dossier-history', ...entry },
      },
    },
  };
}

const byOf = (context: ChangeContext) =>
  context.actor.type === 'user'
    ? { username: context.actor.username, roles: [...context.actor.roles] }
    : { username: context.actor.name, roles: [] };

async function resolveSteps(
  procedure: Procedure,
  receiving: { code: string; level: string; ancestors: string[] },
) {
  // The receiving agency is already loaded; its ancestors' levels are read together.
  const levels = new Map<string, string>([[receiving.code, receiving.level]]);
  const ancestors = await Promise.all(receiving.ancestors.map((code) => getAgency(code)));
  for (const agency of ancestors) if (agency) levels.set(agency.code, agency.level);
  return procedure.workflow.map((step) => {
    let agencyCode: string;
    try {
      agencyCode = resolveStepAgency(step, receiving, (code) => levels.get(code));
    } catch (error) {
      throw new ValidationError([
        {
          path: 'body.agencyCode',
          message: `Step "${step.name}" cannot be placed from this agency: ${(error as Error).message}`,
          code: 'workflow_unresolvable',
        },
      ]);
    }
    return {
      id: step.id,
      name: step.name,
      role: step.role,
      agencyCode,
      workingDays: step.workingDays,
      ...(step.requiresPayment ? { requiresPayment: true } : {}),
    };
  });
}

/**
 * Attachments must be confirmed uploads (size, type by magic bytes and checksum verified) made for
 * a dossier, by the submitter, for the receiving agency.
 */
async function checkAttachments(
  attachments: readonly { fileId: string; paper: string }[],
  principal: Principal,
  agencyCode: string,
): Promise<Dossier['attachments']> {
  const issues: FieldIssue[] = [];
  const checked: Dossier['attachments'] = [];
  for (const [i, attachment] of attachments.entries()) {
    const stored = await getStoredFile(attachment.fileId, true);
    const file = stored?.file;
    const problem = !file
      ? 'No such file'
      : file.ownerSub !== principal.sub
        ? 'No such file'
        : file.purpose !== 'dossier-attachment'
          ? 'The file was not uploaded as a dossier attachment'
          : file.agencyCode !== agencyCode
            ? 'The file was uploaded for another agency'
            : file.status !== 'confirmed'
              ? `The file is ${file.status}; confirm it first (POST /v1/files/{id}/confirm)`
              : undefined;
    if (problem || !file) {
      issues.push({
        path: `body.attachments.${i}.fileId`,
        message: problem ?? 'No such file',
        code: 'invalid_file',
      });
      continue;
    }
    checked.push({
      fileId: file.id,
      paper: attachment.paper,
      fileName: file.fileName,
      contentType: file.contentType,
      size: file.size,
      sha256: file.sha256,
    });
  }
  if (issues.length) throw new ValidationError(issues, 'Some attachments cannot be used');
  return checked;
}

export async function submitDossier(
  input: SubmitDossier,
  principal: Principal,
  context: ChangeContext,
  authorize: (target: { agencyCode?: string; ownerSub?: string }) => Promise<void>,
): Promise<Dossier> {
  const isCitizen = principal.roles.includes('citizen');
  await authorize(isCitizen ? { ownerSub: principal.sub } : { agencyCode: input.agencyCode });
  const procedure = await requireProcedure(input.procedureCode).catch((error) => {
    if (error instanceof NotFoundError) {
      throw new ValidationError([
        { path: 'body.procedureCode', message: 'No such procedure', code: 'not_found' },
      ]);
    }
    throw error;
  });
  if (procedure.status !== 'active') {
    throw new ValidationError([
      { path: 'body.procedureCode', message: 'The procedure is not accepting dossiers', code: 'inactive' },
    ]);
  }
  const agency = await getAgency(input.agencyCode);
  if (!agency)
    throw new ValidationError([{ path: 'body.agencyCode', message: 'No such agency', code: 'not_found' }]);
  const handles =
    procedure.implementingAgencies?.includes(agency.code) ??
    procedure.implementingLevels.includes(agency.level);
  if (!handles) {
    throw new ValidationError([
      {
        path: 'body.agencyCode',
        message: `${agency.name} does not receive this procedure`,
        code: 'not_implementing',
      },
    ]);
  }
  if (!procedure.resultDelivery.includes(input.delivery.method)) {
    throw new ValidationError([
      {
        path: 'body.delivery.method',
        message: `Results are delivered by ${procedure.resultDelivery.join(', ')}`,
        code: 'invalid_value',
      },
    ]);
  }
  const formIssues = validateForm(procedure, input.form);
  if (formIssues.length) throw new ValidationError(formIssues, 'The application form is not valid');
  const attachments = await checkAttachments(input.attachments ?? [], principal, agency.code);

  const steps = await resolveSteps(procedure, agency);
  const now = nowIso();
  const dossier: Dossier = {
    id: randomUUID(),
    code: null,
    procedure: {
      code: procedure.code,
      version: procedure.version,
      name: procedure.name,
      field: procedure.field,
      onlineLevel: procedure.onlineLevel,
    },
    receivingAgency: agency.code,
    currentAgency: steps[0]!.agencyCode,
    steps,
    stepIndex: 0,
    currentStep: steps[0]!,
    status: 'submitted',
    channel: isCitizen ? 'online' : 'counter',
    interAgency: steps.some((step) => step.agencyCode !== agency.code),
    applicant: input.applicant,
    ...(input.delegate ? { delegate: input.delegate } : {}),
    form: input.form,
    attachments,
    delivery: input.delivery,
    ownerSub: isCitizen ? principal.sub : null,
    fees: totalFees(procedure),
    submittedAt: now,
    processingDays: procedure.processingDays,
    pauses: [],
    extensions: [],
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const entry: HistoryEntry = {
    at: now,
    action: 'submit',
    by: byOf(context),
    fromStatus: null,
    toStatus: 'submitted',
    agencyCode: agency.code,
    stepIndex: 0,
    requestId: context.correlationId,
  };
  await commitChange({
    context,
    agencyCode: agency.code,
    action: 'dossier.submitted',
    entity: { type: ENTITY_DOSSIER, id: dossier.id },
    after: dossier,
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: toItem(dossier),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      },
      historyWrite(dossier, entry, dossier.version),
    ],
    events: [
      {
        contract: DossierSubmittedV1,
        data: { dossier: summaryOf(dossier) },
        recipients: [...agency.ancestors, agency.code],
      },
    ],
  });
  return dossier;
}

export async function getDossier(id: string): Promise<Dossier | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: dossierKey(id), ConsistentRead: true }),
  );
  return Item ? toDossier(Item) : undefined;
}

export async function requireDossier(id: string): Promise<Dossier> {
  const dossier = await getDossier(id);
  if (!dossier) throw new NotFoundError('No such dossier');
  return dossier;
}

export async function dossierHistory(
  id: string,
): Promise<{ history: HistoryEntry[]; letters: Record<string, unknown>[] }> {
  const { Items = [] } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `DOSSIER#${id}`, ':from': 'H#', ':to': 'M' },
    }),
  );
  const history: HistoryEntry[] = [];
  const letters: Record<string, unknown>[] = [];
  for (const item of Items) {
    if ((item.SK as string).startsWith('H#')) history.push(stripKeys(item) as unknown as HistoryEntry);
    else if ((item.SK as string).startsWith('LETTER#')) letters.push(stripKeys(item));
  }
  return { history, letters };
}

/** Vietnam calendar day as yymmdd, for dossier numbers. */
const yymmdd = (iso: string) => vietnamDayOf(new Date(iso)).slice(2).replace(/-/g, '');

export interface TransitionRequest {
  readonly id: string;
  readonly transition: Transition;
  readonly principal: Principal;
  readonly context: ChangeContext;
  readonly ifMatch: IfMatch | undefined;
  readonly authorize: (target: {
    agencyCode?: string;
    agencyCodes?: string[];
    ownerSub?: string;
  }) => Promise<void>;
}

export async function applyTransition(request: TransitionRequest): Promise<Dossier> {
  const { transition: input, principal, context } = request;
  const before = await requireDossier(request.id);
  await request.authorize({
    agencyCodes: participants(before),
    ...(before.ownerSub ? { ownerSub: before.ownerSub } : {}),
  });
  const rule = ACTION_RULES[input.action];
  const isCitizen = principal.roles.includes('citizen') && before.ownerSub === principal.sub;
  if (!isCitizen) {
    const actingAgency = rule.actingAgency === 'receiving' ? before.receivingAgency : before.currentAgency;
    if (principal.agencyCode !== actingAgency) {
      throw new ForbiddenError(`"${input.action}" is done by ${actingAgency}, where the dossier is now`);
    }
  }
  assertIfMatch(request.ifMatch, before.version);
  const roles = isCitizen ? (['citizen'] as const) : principal.roles.filter((role) => role !== 'citizen');
  const result = check(
    {
      status: before.status,
      stepIndex: before.stepIndex,
      stepCount: before.steps.length,
      ...(before.resumeStatus ? { resumeStatus: before.resumeStatus } : {}),
    },
    input.action,
    { roles, note: input.note },
  );
  if (!result.ok) {
    const allowed = allowedActions(
      { status: before.status, stepIndex: before.stepIndex, stepCount: before.steps.length },
      roles,
    );
    if (result.reason === 'role') throw new ForbiddenError(result.detail);
    if (result.reason === 'note-required') {
      throw new ValidationError([{ path: 'body.note', message: result.detail, code: 'required' }]);
    }
    throw new ConflictError(result.detail, { status: before.status, allowedActions: allowed });
  }
  if ((STEP_FINISHING_ACTIONS as readonly string[]).includes(input.action) && paymentOutstanding(before)) {
    throw new ConflictError(
      `The step "${before.currentStep.name}" requires the fees (${before.fees.total} VND) to be paid first`,
      {
        status: before.status,
        reason: 'payment-required',
        paymentsUrl: `/v1/dossiers/${before.id}/payments`,
      },
    );
  }
  if (input.action === 'assign' && !input.assignee) {
    throw new ValidationError([
      { path: 'body.assignee', message: 'Name the specialist to assign', code: 'required' },
    ]);
  }
  if (input.action === 'extend' && !input.days) {
    throw new ValidationError([
      { path: 'body.days', message: 'Give the working days to add', code: 'required' },
    ]);
  }

  const now = nowIso();
  const next: Dossier = {
    ...before,
    status: result.next.status,
    stepIndex: result.next.stepIndex,
    version: before.version + 1,
    updatedAt: now,
  };
  if (result.next.resumeStatus) next.resumeStatus = result.next.resumeStatus;
  else delete next.resumeStatus;
  const extraWrites: DomainWrite[] = [];
  let numberWrite: ((n: number) => void) | undefined;

  switch (input.action) {
    case 'receive':
      next.receivedAt = now;
      next.dueAt = dueDateOf(next);
      numberWrite = (n) => {
        next.code = `${before.receivingAgency}-${yymmdd(now)}-${String(n).padStart(4, '0')}`;
      };
      break;
    case 'assign':
      next.assignee = { username: input.assignee! };
      break;
    case 'forward':
      next.currentStep = next.steps[next.stepIndex]!;
      next.currentAgency = next.currentStep.agencyCode;
      delete next.assignee;
      break;
    case 'request-supplement':
      next.pauses = [...before.pauses, { from: now, note: input.note! }];
      break;
    case 'supplement': {
      const pauses = [...before.pauses];
      const open = pauses.at(-1);
      if (open && !open.to) pauses[pauses.length - 1] = { ...open, to: now };
      next.pauses = pauses;
      if (next.receivedAt) next.dueAt = dueDateOf(next);
      break;
    }
    case 'extend': {
      const previousDueAt = before.dueAt ?? now;
      const late = new Date(now) > new Date(previousDueAt);
      next.extensions = [
        ...before.extensions,
        { at: now, days: input.days!, note: input.note!, previousDueAt, late },
      ];
      next.dueAt = dueDateOf(next);
      if (late) {
        const letter = apologyLetter(next, now, {
          occasion: 'extension',
          reason: input.note!,
          newDueAt: next.dueAt,
        });
        next.extensions[next.extensions.length - 1] = {
          ...next.extensions.at(-1)!,
          apologyLetterId: letter.id,
        };
        extraWrites.push({ item: { Put: { TableName: tableName(), Item: letter.item } } });
      }
      break;
    }
    case 'return':
      next.finishedAt = now;
      next.outcome = outcomeOf(next.dueAt ?? now, now);
      delete next.assignee;
      break;
    case 'deny':
    case 'cancel':
    case 'withdraw':
      next.finishedAt = now;
      delete next.assignee;
      break;
    default:
      break;
  }
  // A new appointment date is watched afresh by the deadline job (./deadline-job.ts).
  if (next.dueAt !== before.dueAt) delete next.deadline;

  const commit = async (counterWrite?: DomainWrite) => {
    const entry: HistoryEntry = {
      at: now,
      action: input.action,
      by: byOf(context),
      fromStatus: before.status,
      toStatus: next.status,
      agencyCode: rule.actingAgency === 'receiving' ? before.receivingAgency : before.currentAgency,
      stepIndex: next.stepIndex,
      ...(input.note ? { note: input.note } : {}),
      requestId: context.correlationId,
    };
    const writes: DomainWrite[] = [
      ...(counterWrite ? [counterWrite] : []),
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: toItem(next),
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': before.version },
          },
        },
        onConditionFailed: () => new ConflictError('The dossier changed meanwhile; read it again'),
      },
      historyWrite(next, entry, next.version),
      ...extraWrites,
    ];
    if (input.action === 'receive') {
      writes.push({
        item: {
          Put: {
            TableName: tableName(),
            Item: {
              ...lookupKey(next.code!),
              entityType: 'dossier-lookup',
              dossierId: next.id,
              idHash: hashIdNumber(next.applicant.identity.idNumber).toString('hex'),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      });
    }
    await commitChange({
      context,
      agencyCode: entry.agencyCode,
      action: `dossier.${input.action}`,
      entity: { type: ENTITY_DOSSIER, id: next.id },
      before,
      after: next,
      writes,
      events: [
        {
          contract: DossierStatusChangedV1,
          data: {
            action: input.action,
            fromStatus: before.status,
            toStatus: next.status,
            stepIndex: next.stepIndex,
            ...(input.days ? { days: input.days } : {}),
            dossier: summaryOf(next),
          },
          recipients: participants(next),
        },
      ],
    });
  };

  if (numberWrite) {
    await withNextNumber(numberCounterKey(before.receivingAgency, yymmdd(now)), async (n, counterWrite) => {
      numberWrite!(n);
      await commit(counterWrite);
    });
  } else {
    await commit();
  }
  return next;
}

export interface QueueFilter {
  agencyCode: string;
  status: DossierStatus;
  due?: 'overdue' | 'soon' | undefined;
  assignee?: string | undefined;
  step?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** An agency's work queue: one key query on GSI1 (or GSI2 for an assignee). */
export async function listQueue(filter: QueueFilter): Promise<Page<Dossier>> {
  const now = clockNow();
  let input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;
  let pinned: Record<string, string>;
  if (filter.assignee) {
    const pk = `ASSIGNEE#${filter.assignee}`;
    pinned = { GSI2PK: pk };
    input = {
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      FilterExpression: 'currentAgency = :agency AND #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': pk, ':agency': filter.agencyCode, ':status': filter.status },
    };
  } else {
    const pk = queuePartition(filter.agencyCode, filter.status);
    pinned = { GSI1PK: pk };
    const values: Record<string, unknown> = { ':pk': pk };
    let condition = 'GSI1PK = :pk';
    if (filter.due === 'overdue') {
      condition += ' AND GSI1SK < :now';
      values[':now'] = now.toISOString();
    } else if (filter.due === 'soon') {
      condition += ' AND GSI1SK BETWEEN :now AND :soon';
      values[':now'] = now.toISOString();
      values[':soon'] = `${workingCalendar().addWorkingDays(now, DUE_SOON_WORKING_DAYS).toISOString()}~`;
    }
    input = { IndexName: 'GSI1', KeyConditionExpression: condition, ExpressionAttributeValues: values };
  }
  if (filter.step) {
    input.FilterExpression = [input.FilterExpression, 'currentStep.id = :step'].filter(Boolean).join(' AND ');
    input.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ':step': filter.step };
  }
  return queryPage(input, { ...filter, pinned }, toDossier);
}

export async function listOwnDossiers(
  ownerSub: string,
  limit?: number,
  cursor?: string,
): Promise<Page<Dossier>> {
  const pk = `OWNER#${ownerSub}`;
  return queryPage(
    {
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
    },
    { limit, cursor, pinned: { GSI3PK: pk } },
    toDossier,
  );
}

const LOOKUPS_PER_MINUTE_PER_CLIENT = 20;
const FAILED_LOOKUPS_PER_HOUR_PER_DOSSIER = 10;

/** Counts a hit in a fixed window; true when the limit is exceeded. */
async function overLimit(bucket: string, windowSeconds: number, limit: number): Promise<boolean> {
  const window = Math.floor(Date.now() / 1000 / windowSeconds);
  const { Attributes } = await ddb().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { PK: `RATE#${bucket}`, SK: String(window) },
      UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
      ExpressionAttributeValues: { ':one': 1, ':ttl': (window + 2) * windowSeconds },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return (Attributes?.hits as number) > limit;
}

const rateLimited = () =>
  new HttpProblem('rate-limited', 'Too many lookups; wait a minute', { headers: { 'retry-after': '60' } });

/**
 * Public status lookup: reveals nothing unless the ID number matches the applicant's (404 for a
 * wrong number, the same as for an unknown dossier), and is rate-limited per client and per dossier.
 */
export async function publicLookup(code: string, idNumber: string, client: string) {
  if (await overLimit(`lookup-client#${client}`, 60, LOOKUPS_PER_MINUTE_PER_CLIENT)) throw rateLimited();
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: lookupKey(code) }));
  const expected = Item ? Buffer.from(Item.idHash as string, 'hex') : hashIdNumber('');
  const matches = timingSafeEqual(expected, hashIdNumber(idNumber)) && Boolean(Item);
  if (!matches) {
    if (Item && (await overLimit(`lookup-code#${code}`, 3600, FAILED_LOOKUPS_PER_HOUR_PER_DOSSIER)))
      throw rateLimited();
    throw new NotFoundError('No dossier with this number and ID number');
  }
  const dossier = await requireDossier(Item!.dossierId as string);
  const agency = await getAgency(dossier.currentAgency);
  return {
    code: dossier.code!,
    procedureName: dossier.procedure.name,
    status: dossier.status,
    receivedAt: dossier.receivedAt ?? null,
    dueAt: dossier.dueAt ?? null,
    currentAgencyName: agency?.name ?? dossier.currentAgency,
    finishedAt: dossier.finishedAt ?? null,
  };
}

export async function rateDossier(
  id: string,
  rating: { score: number; comment?: string | undefined },
  principal: Principal,
  context: ChangeContext,
): Promise<Dossier> {
  const before = await requireDossier(id);
  if (before.ownerSub !== principal.sub) throw new NotFoundError('No such dossier');
  if (before.status !== 'returned')
    throw new ConflictError('A dossier can be rated once its result is returned');
  if (before.rating) throw new ConflictError('This dossier is already rated');
  const now = nowIso();
  const next: Dossier = {
    ...before,
    rating: { score: rating.score, ...(rating.comment ? { comment: rating.comment } : {}), at: now },
    version: before.version + 1,
    updatedAt: now,
  };
  await commitChange({
    context,
    agencyCode: before.receivingAgency,
    action: 'dossier.rated',
    entity: { type: ENTITY_DOSSIER, id },
    before,
    after: next,
    writes: [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: toItem(next),
            ConditionExpression: '#version = :version AND attribute_not_exists(rating)',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': before.version },
          },
        },
        onConditionFailed: () => new ConflictError('This dossier is already rated'),
      },
    ],
    events: [
      {
        contract: DossierRatedV1,
        data: { dossierId: id, score: rating.score },
        recipients: participants(next),
      },
    ],
  });
  return next;
}
