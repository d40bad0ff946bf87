/**
 * An in-process stand-in for an EventBridge event bus, for the local runtime and the tests.
 *
 * It takes the same `PutEvents` entries as the SDK, answers like the service (per-entry
 * `InvalidArgument` / `MalformedDetail` results; a `ValidationException` for the whole request
 * when it has more than 10 entries or is too large), builds the event exactly as EventBridge
 * delivers it to targets, selects rules with the declared patterns (`#events/routing/pattern.ts`,
 * the same objects the CDK rules get) and invokes every matching target asynchronously, with
 * retries and a dead letter when a target gives up.
 *
 * Retries. The policy has the shape of EventBridge's RetryPolicy (`maximumRetryAttempts` 0–185,
 * `maximumEventAgeInSeconds` 60–86 400, checked like PutTargets checks them) plus local backoff delays
 * in milliseconds. Deployed, an error thrown by a Lambda consumer is retried by Lambda's
 * asynchronous invocation (MaximumRetryAttempts 0–2, default 2) rather than by the rule target's
 * RetryPolicy, so the local default is 2 retries; give targets the policy of their deployed
 * counterpart.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent as LambdaEventBridgeEvent } from 'aws-lambda';
import { assertValidPattern, type EventPattern, matchesPattern } from '#events/routing/pattern.ts';

/** An event as EventBridge delivers it to a target (`@types/aws-lambda`'s shape). */
export type EventBridgeEvent<TDetail = unknown, TDetailType extends string = string> = LambdaEventBridgeEvent<
  TDetailType,
  TDetail
>;

/** The SDK's `PutEventsRequestEntry` (every member optional there too). */
export interface PutEventsRequestEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  /** A JSON object, as text. */
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  readonly Time?: Date;
  /** Name or ARN of the bus; entries for another bus are accepted and not routed, like the service. */
  readonly EventBusName?: string;
  readonly TraceHeader?: string;
}

export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: 'InvalidArgument' | 'MalformedDetail'; readonly ErrorMessage: string };

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

/** What the service throws for a request it refuses as a whole (the SDK's `ValidationException`). */
export class PutEventsValidationError extends Error {
  override readonly name = 'ValidationException';
  readonly $fault = 'client';
}

export interface LocalRetryPolicy {
  /** Retries after the first attempt (EventBridge RetryPolicy.MaximumRetryAttempts, 0–185). */
  readonly maximumRetryAttempts?: number;
  /** No attempt is started once the event is older than this (RetryPolicy.MaximumEventAgeInSeconds, 60–86 400). */
  readonly maximumEventAgeInSeconds?: number;
  /** Local: delay before the first retry, in ms. */
  readonly initialDelayMs?: number;
  /** Local: each further retry waits this many times longer… */
  readonly backoffMultiplier?: number;
  /** …up to this many ms. */
  readonly maxDelayMs?: number;
  /** Local: wait a random time between 0 and the computed delay ("full jitter"). */
  readonly jitter?: boolean;
}

/** Local defaults: Lambda's asynchronous retries (2 retries, 6 h), with millisecond delays. */
export const DEFAULT_LOCAL_RETRY_POLICY: Required<LocalRetryPolicy> = {
  maximumRetryAttempts: 2,
  maximumEventAgeInSeconds: 21_600,
  initialDelayMs: 20,
  backoffMultiplier: 2,
  maxDelayMs: 1_000,
  jitter: false,
};

export interface LocalBusTarget {
  /** Target id, unique in its rule (1–64 of `[.\-_A-Za-z0-9]`, like PutTargets). */
  readonly id: string;
  /** Resolves when the event is handled; a rejection is retried, then dead-lettered. */
  readonly invoke: (event: EventBridgeEvent) => Promise<void>;
  /** Overrides the bus's retry policy for this target. */
  readonly retryPolicy?: LocalRetryPolicy;
}

export interface LocalBusRule {
  /** Rule name (1–64 of `[.\-_A-Za-z0-9]`, like PutRule). */
  readonly id: string;
  readonly pattern: EventPattern;
  /** At most 5, like a rule. */
  readonly targets: readonly LocalBusTarget[];
}

export interface DeadLetterEntry {
  readonly busName: string;
  readonly ruleId: string;
  readonly targetId: string;
  readonly event: EventBridgeEvent;
  /** What the last attempt threw. */
  readonly error: unknown;
  /** Invocations made, the first one included. */
  readonly attempts: number;
  readonly reason: 'retries-exhausted' | 'event-age-exceeded';
  /** ISO time of the decision to give up. */
  readonly failedAt: string;
}

export interface LocalEventBusOptions {
  readonly busName: string;
  readonly account: string;
  readonly region: string;
  readonly rules: readonly LocalBusRule[];
  /** Default policy of every target; targets may override it. */
  readonly retryPolicy?: LocalRetryPolicy;
  /** Called once per (event, target) that gives up; awaited before `drain()` resolves. */
  readonly onDeadLetter?: (entry: DeadLetterEntry) => void | Promise<void>;
  /** Limit on the summed size of a request's entries (AWS's formula). Default 256 KiB. */
  readonly maxRequestBytes?: number;
  /** Problems no caller can receive: a failing `onDeadLetter`, entries for another bus. Default: console. */
  readonly onWarning?: (message: string, error?: unknown) => void;
  /** Clock (event time, event age); for tests. */
  readonly now?: () => Date;
  /** Event ids; for tests. */
  readonly createId?: () => string;
}

export interface LocalEventBus {
  readonly busName: string;
  readonly busArn: string;
  putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult>;
  /** Resolves once every delivery started so far, retries and dead letters included, has finished. */
  drain(): Promise<void>;
  /** Refuses further events, cancels waiting retries (not dead-lettered) and waits for running invocations. */
  stop(): Promise<void>;
}

const MAX_ENTRIES = 10;
const DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;
const MAX_TARGETS_PER_RULE = 5;
const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

export function createLocalEventBus(options: LocalEventBusOptions): LocalEventBus {
  const { busName, account, region } = options;
  const busArn = `arn:aws:events:${region}:${account}:event-bus/${busName}`;
  const now = options.now ?? (() => new Date());
  const createId = options.createId ?? randomUUID;
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const warn =
    options.onWarning ??
    ((message: string, error?: unknown) =>
      error === undefined ? console.warn(message) : console.warn(message, error));
  const busPolicy = { ...DEFAULT_LOCAL_RETRY_POLICY, ...options.retryPolicy };
  const routes = options.rules.map((rule) => checkRule(rule, busPolicy));

  const inFlight = new Set<Promise<void>>();
  const waiting = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  let stopped = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          waiting.delete(entry);
          resolve();
        }, ms),
        wake: resolve,
      };
      waiting.add(entry);
    });

  async function deliver(route: Route, target: CheckedTarget, event: EventBridgeEvent, receivedAt: number) {
    const { policy } = target;
    for (let attempts = 1; ; attempts++) {
      if (stopped) return;
      try {
        // A copy per target and attempt: one consumer cannot change what another receives.
        await target.invoke(structuredClone(event));
        return;
      } catch (error) {
        const giveUp = (reason: DeadLetterEntry['reason']) =>
          deadLetter({
            busName,
            ruleId: route.id,
            targetId: target.id,
            event,
            error,
            attempts,
            reason,
            failedAt: now().toISOString(),
          });
        if (attempts > policy.maximumRetryAttempts) return giveUp('retries-exhausted');
        await sleep(retryDelay(policy, attempts));
        if (stopped) return;
        if (now().getTime() - receivedAt >= policy.maximumEventAgeInSeconds * 1000) {
          return giveUp('event-age-exceeded');
        }
      }
    }
  }

  async function deadLetter(entry: DeadLetterEntry) {
    if (!options.onDeadLetter) {
      warn(`event ${entry.event.id} dropped: target ${entry.ruleId}/${entry.targetId} gave up`, entry.error);
      return;
    }
    try {
      await options.onDeadLetter(entry);
    } catch (error) {
      warn(`onDeadLetter failed for event ${entry.event.id} (${entry.ruleId}/${entry.targetId})`, error);
    }
  }

  function dispatch(event: EventBridgeEvent, receivedAt: number) {
    for (const route of routes) {
      if (!matchesPattern(route.pattern, event)) continue;
      for (const target of route.targets) {
        // Started on a later turn of the event loop: putEvents never runs consumer code.
        const delivery = new Promise<void>((resolve) => setImmediate(resolve))
          .then(() => deliver(route, target, event, receivedAt))
          .catch((error: unknown) => warn('local event bus: delivery failed unexpectedly', error))
          .finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
      }
    }
  }

  function isThisBus(name: string | undefined) {
    return name === undefined || name === '' || name === busName || name === busArn;
  }

  return {
    busName,
    busArn,

    async putEvents(entries) {
      if (stopped) throw new Error(`local event bus ${busName} is stopped`);
      if (entries.length < 1 || entries.length > MAX_ENTRIES) {
        throw new PutEventsValidationError(
          `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${
            entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`
          }`,
        );
      }
      if (entries.reduce((total, entry) => total + entrySize(entry), 0) > maxRequestBytes) {
        throw new PutEventsValidationError('Total size of the entries in the request is over the limit.');
      }
      const receivedAt = now();
      const results = entries.map((entry): PutEventsResultEntry => {
        const built = buildEvent(entry, { account, region, id: createId(), receivedAt });
        if ('ErrorCode' in built) return built;
        if (isThisBus(entry.EventBusName)) {
          dispatch(built, receivedAt.getTime());
        } else {
          warn(`local event bus ${busName}: event ${built.id} is for bus ${entry.EventBusName}, not routed`);
        }
        return { EventId: built.id };
      });
      return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
    },

    async drain() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    async stop() {
      stopped = true;
      for (const entry of waiting) {
        clearTimeout(entry.timer);
        entry.wake();
      }
      waiting.clear();
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

interface CheckedTarget extends LocalBusTarget {
  readonly policy: Required<LocalRetryPolicy>;
}

interface Route {
  readonly id: string;
  readonly pattern: EventPattern;
  readonly targets: readonly CheckedTarget[];
}

/** Refuses, at start-up, what PutRule / PutTargets would refuse. */
function checkRule(rule: LocalBusRule, busPolicy: Required<LocalRetryPolicy>): Route {
  if (!NAME.test(rule.id)) throw new Error(`rule id "${rule.id}" must be 1–64 characters of [.-_A-Za-z0-9]`);
  try {
    assertValidPattern(rule.pattern);
  } catch (error) {
    throw new Error(`rule ${rule.id}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (rule.targets.length > MAX_TARGETS_PER_RULE) {
    throw new Error(`rule ${rule.id}: at most ${MAX_TARGETS_PER_RULE} targets per rule`);
  }
  const ids = new Set<string>();
  const targets = rule.targets.map((target): CheckedTarget => {
    if (!NAME.test(target.id)) {
      throw new Error(`rule ${rule.id}: target id "${target.id}" must be 1–64 characters of [.-_A-Za-z0-9]`);
    }
    if (ids.has(target.id)) throw new Error(`rule ${rule.id}: duplicate target id ${target.id}`);
    ids.add(target.id);
    const policy = { ...busPolicy, ...target.retryPolicy };
    checkPolicy(policy, `rule ${rule.id} target ${target.id}`);
    return { ...target, policy };
  });
  return { id: rule.id, pattern: rule.pattern, targets };
}

function checkPolicy(policy: Required<LocalRetryPolicy>, where: string) {
  const { maximumRetryAttempts: attempts, maximumEventAgeInSeconds: age } = policy;
  if (!Number.isInteger(attempts) || attempts < 0 || attempts > 185) {
    throw new Error(`${where}: maximumRetryAttempts must be an integer from 0 to 185`);
  }
  if (!Number.isInteger(age) || age < 60 || age > 86_400) {
    throw new Error(`${where}: maximumEventAgeInSeconds must be an integer from 60 to 86400`);
  }
  if (!(policy.initialDelayMs >= 0 && policy.maxDelayMs >= 0 && policy.backoffMultiplier >= 1)) {
    throw new Error(`${where}: delays must be ≥ 0 and backoffMultiplier ≥ 1`);
  }
}

function retryDelay(policy: Required<LocalRetryPolicy>, attempt: number): number {
  const delay = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.backoffMultiplier ** (attempt - 1),
  );
  return policy.jitter ? Math.random() * delay : delay;
}

/** The entry size as EventBridge computes it (user guide: "Calculating PutEvents event entry size"). */
function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((total, resource) => total + bytes(resource), 0)
  );
}

/** The event as delivered to targets, or the per-entry error the service returns. */
function buildEvent(
  entry: PutEventsRequestEntry,
  context: { account: string; region: string; id: string; receivedAt: Date },
): EventBridgeEvent | Extract<PutEventsResultEntry, { ErrorCode: string }> {
  for (const parameter of ['Source', 'DetailType', 'Detail'] as const) {
    if (!entry[parameter]) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${parameter} is a required argument.`,
      };
    }
  }
  const time = entry.Time ?? context.receivedAt;
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid.' };
  }
  if (entry.Resources?.some((resource) => typeof resource !== 'string')) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Resources is not valid.' };
  }
  const detail = parseDetail(entry.Detail ?? '');
  if (detail === undefined) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return {
    version: '0',
    id: context.id,
    'detail-type': entry.DetailType ?? '',
    source: entry.Source ?? '',
    account: context.account,
    // EventBridge writes whole seconds: 2026-11-22T02:38:34Z.
    time: `${time.toISOString().slice(0, 19)}Z`,
    region: context.region,
    resources: [...(entry.Resources ?? [])],
    detail,
  };
}

/** Detail must be a JSON object. */
function parseDetail(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
