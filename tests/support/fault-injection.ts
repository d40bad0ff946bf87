/**
 * SDK-level fault injection and request scheduling for the proof suites, installed through the
 * opt-in client hook of shared/platform/aws-clients.ts (so only handlers running in the test's own
 * process are affected: use tests/support/own-platform.ts).
 *
 * The middleware sits inside the SDK's retry loop (deserialize step) and fails a request before it
 * is sent, so a fault never hides a committed write: it is what AWS answers when it refuses a
 * request (throttling, a transaction conflict) or when the network drops it before it arrives.
 * `lostAnswerInjector` (below) is the other half: the request is applied and its answer is lost.
 */
import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { AwsClient } from '#shared/platform/aws-clients.ts';

export const FAULT_KINDS = ['throttle', 'timeout', 'transaction-conflict'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  /** Share of requests failed, 0..1. */
  readonly rate: number;
  /** Seed of the fault sequence; a failing run is replayed with the same seed. */
  readonly seed: number;
  readonly kinds?: readonly FaultKind[];
  /**
   * Share of TransactWriteItems failed with a transaction conflict, on top of `rate` (a handful of
   * transactions per scenario would otherwise rarely meet one). Default: `rate`.
   */
  readonly conflictRate?: number;
}

export interface FaultInjector {
  /** Pass to setAwsClientHook. */
  readonly hook: (client: AwsClient) => void;
  /** Requests seen and faults injected, by `<Client>.<Command>` and by kind. */
  readonly stats: { requests: number; faults: Record<FaultKind, number>; byCommand: Record<string, number> };
  enabled: boolean;
}

/** mulberry32: a small seeded PRNG, so a fault sequence is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The part of an SDK client's middleware stack used here, the same for every client. */
type Middleware = (
  next: (args: { input: unknown }) => Promise<unknown>,
  context: { clientName?: string; commandName?: string },
) => (args: { input: unknown }) => Promise<unknown>;
const stackOf = (client: AwsClient) =>
  client.middlewareStack as unknown as {
    add(middleware: Middleware, options: { step: string; priority: string; name: string }): void;
  };

const metadata = { httpStatusCode: 400, requestId: 'fault-injection', attempts: 1, totalRetryDelay: 0 };

function faultError(kind: FaultKind, clientName: string, commandName: string, input: unknown): Error {
  if (kind === 'transaction-conflict') {
    const items = (input as { TransactItems?: unknown[] }).TransactItems ?? [];
    const conflicting = items.length - 1;
    return new TransactionCanceledException({
      message: 'Transaction cancelled (injected): TransactionConflict',
      $metadata: metadata,
      CancellationReasons: items.map((_, i) =>
        i === conflicting
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      ),
    });
  }
  if (kind === 'throttle' && clientName === 'DynamoDBClient') {
    return new ProvisionedThroughputExceededException({
      message: 'Rate of requests exceeds the allowed throughput (injected)',
      $metadata: metadata,
    });
  }
  const error = new Error(`${kind} injected into ${clientName}.${commandName}`);
  if (kind === 'throttle') {
    error.name = 'ThrottlingException';
    Object.assign(error, { $metadata: { ...metadata, httpStatusCode: 429 }, $fault: 'client' });
  } else {
    // What the SDK's request handler raises when a socket times out: retried as a transient error.
    error.name = 'TimeoutError';
    Object.assign(error, { code: 'ETIMEDOUT', $metadata: {} });
  }
  return error;
}

export function faultInjector(plan: FaultPlan): FaultInjector {
  const random = seededRandom(plan.seed);
  const kinds = plan.kinds ?? FAULT_KINDS;
  const conflictRate = plan.conflictRate ?? plan.rate;
  const injector: FaultInjector = {
    enabled: true,
    stats: { requests: 0, faults: { throttle: 0, timeout: 0, 'transaction-conflict': 0 }, byCommand: {} },
    hook(client) {
      stackOf(client).add(
        (next, context) => async (args) => {
          if (!injector.enabled) return next(args);
          const clientName = String(context.clientName);
          const commandName = String(context.commandName);
          injector.stats.requests += 1;
          const transaction = commandName === 'TransactWriteItemsCommand';
          let kind: FaultKind | undefined;
          if (transaction && kinds.includes('transaction-conflict') && random() < conflictRate) {
            kind = 'transaction-conflict';
          } else if (random() < plan.rate) {
            const eligible = kinds.filter((candidate) => candidate !== 'transaction-conflict' || transaction);
            kind = eligible[Math.floor(random() * eligible.length)];
          }
          if (!kind) return next(args);
          injector.stats.faults[kind] += 1;
          const label = `${clientName}.${commandName}`;
          injector.stats.byCommand[label] = (injector.stats.byCommand[label] ?? 0) + 1;
          throw faultError(kind, clientName, commandName, args.input);
        },
        { step: 'deserialize', priority: 'high', name: 'proofFaultInjection' },
      );
    },
  };
  return injector;
}

/**
 * A hook that makes every SDK request wait for `gate` before it is sent: with fast-check's
 * scheduler as the gate, the property decides the order in which concurrent requests reach DynamoDB.
 */
export function gatedRequests(gate: (label: string) => Promise<void>): (client: AwsClient) => void {
  return (client) => {
    stackOf(client).add(
      (next, context) => async (args) => {
        await gate(`${String(context.commandName)}`);
        return next(args);
      },
      { step: 'initialize', priority: 'high', name: 'proofRequestGate' },
    );
  };
}

// --- Lost answers: faults AFTER a request was applied ---------------------------------------------

/**
 * `lost-answer`: the request reaches the service and is applied, then the answer is lost (a socket
 * timeout or a connection reset after the response was sent); the SDK's own retry sends the same
 * request again. `lost-answer-exhausted`: every attempt of that call loses its answer, so the error
 * surfaces to the caller once the SDK's attempts are spent, although the first attempt was applied.
 */
export const LOST_ANSWER_KINDS = ['lost-answer', 'lost-answer-exhausted'] as const;
export type LostAnswerKind = (typeof LOST_ANSWER_KINDS)[number];

/** The writes whose answers may be lost by default: DynamoDB's and EventBridge's. */
export const WRITE_COMMANDS = [
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'PutEventsCommand',
] as const;

export interface LostAnswerPlan {
  /** Share of the listed commands' successful answers lost, 0..1. */
  readonly rate: number;
  readonly seed: number;
  readonly kinds?: readonly LostAnswerKind[];
  /** SDK command names (`PutItemCommand`…) whose answers may be lost. Default: WRITE_COMMANDS. */
  readonly commands?: readonly string[];
  /** Calls that may lose answers, after which none does (e.g. 1: only the first call's). */
  readonly limit?: number;
  /**
   * At most this many calls in a row keep their answers; the next one loses it. A floor under the
   * seeded sequence, so that a suite that needs lost answers meets some under every seed (a short
   * scenario at rate 0.25 otherwise meets none under some seeds). Default: no floor.
   */
  readonly maxGap?: number;
}

export interface LostAnswerInjector {
  /** Pass to setAwsClientHook (or compose with another injector's hook). */
  readonly hook: (client: AwsClient) => void;
  /** Requests seen (of the listed commands) and answers lost, by kind and by `<Client>.<Command>`. */
  readonly stats: {
    requests: number;
    lost: Record<LostAnswerKind, number>;
    byCommand: Record<string, number>;
  };
  enabled: boolean;
}

/** What Node's HTTP handler raises when the socket dies after the request went out. */
function lostAnswerError(clientName: string, commandName: string, reset: boolean): Error {
  const error = new Error(
    `${reset ? 'socket hang up' : 'socket timed out'} after ${clientName}.${commandName} was applied (injected)`,
  );
  error.name = reset ? 'Error' : 'TimeoutError';
  Object.assign(error, { code: reset ? 'ECONNRESET' : 'ETIMEDOUT', $metadata: {} });
  return error;
}

/** Middleware names are unique per client: one per injector. */
let lostAnswerInjectors = 0;

export function lostAnswerInjector(plan: LostAnswerPlan): LostAnswerInjector {
  const name = `proofLostAnswers${++lostAnswerInjectors}`;
  const random = seededRandom(plan.seed);
  const kinds = plan.kinds ?? LOST_ANSWER_KINDS;
  const commands: readonly string[] = plan.commands ?? WRITE_COMMANDS;
  let calls = 0;
  /** Calls in a row that kept their answers. */
  let gap = 0;
  const injector: LostAnswerInjector = {
    enabled: true,
    stats: { requests: 0, lost: { 'lost-answer': 0, 'lost-answer-exhausted': 0 }, byCommand: {} },
    hook(client) {
      stackOf(client).add(
        (next, context) => {
          // Per call (the inner function runs once per attempt): once exhausted, every attempt is lost.
          let exhausted = false;
          return async (args) => {
            const clientName = String(context.clientName);
            const commandName = String(context.commandName);
            if (!injector.enabled || !commands.includes(commandName)) return next(args);
            injector.stats.requests += 1;
            let kind: LostAnswerKind | undefined = exhausted ? 'lost-answer-exhausted' : undefined;
            if (!kind && calls < (plan.limit ?? Number.POSITIVE_INFINITY)) {
              const due = plan.maxGap !== undefined && gap >= plan.maxGap;
              if (random() < plan.rate || due) kind = kinds[Math.floor(random() * kinds.length)];
              gap = kind ? 0 : gap + 1;
            }
            if (!kind) return next(args);
            // Sent and applied. The deciding attempt loses only a success (an error applied
            // nothing); once exhausted, every later answer is lost, whatever it says.
            if (exhausted) await next(args).catch(() => undefined);
            else {
              await next(args);
              calls += 1;
            }
            exhausted = kind === 'lost-answer-exhausted';
            injector.stats.lost[kind] += 1;
            const label = `${clientName}.${commandName}`;
            injector.stats.byCommand[label] = (injector.stats.byCommand[label] ?? 0) + 1;
            throw lostAnswerError(clientName, commandName, random() < 0.5);
          };
        },
        { step: 'deserialize', priority: 'high', name },
      );
    },
  };
  return injector;
}

/** One client hook installing several (e.g. a pre-send injector and a lost-answer injector). */
export const composeHooks =
  (...hooks: ((client: AwsClient) => void)[]) =>
  (client: AwsClient): void => {
    for (const hook of hooks) hook(client);
  };
