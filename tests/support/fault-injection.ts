/**
 * SDK-level fault injection and request scheduling for the proof suites, installed through the
 * opt-in client hook of shared/platform/aws-clients.ts (so only handlers running in the test's own
 * process are affected: use tests/support/own-platform.ts).
 *
 * The middleware sits inside the SDK's retry loop (deserialize step) and fails a request before it
 * is sent, so a fault never hides a committed write: it is what AWS answers when it refuses a
 * request (throttling, a transaction conflict) or when the network drops it before it arrives.
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
