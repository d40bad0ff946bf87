/**
 * Every function that is not behind the HTTP API: stream processors, event consumers and scheduled
 * jobs. The CDK stateless stack deploys each with its trigger; the local runtime runs the same
 * handlers (stream poller, in-process bus, timers). Event-rule targets are declared in
 * events/routing/rules.ts.
 */

export type WorkerTrigger =
  | { readonly kind: 'table-stream'; readonly entityTypes: readonly string[] }
  | { readonly kind: 'event-rule' }
  | {
      readonly kind: 'schedule';
      /** EventBridge schedule expression, `rate(…)` or `cron(…)` in UTC (deployed as an EventBridge rule). */
      readonly expression: string;
      /** How often the local runtime runs it (ms); omitted = only on demand. */
      readonly localEveryMs?: number;
    };

export interface Worker {
  readonly id: string;
  /** Module exporting `handler`, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly trigger: WorkerTrigger;
}

export const workers: readonly Worker[] = [
  {
    id: 'events-publisher',
    entry: 'functions/events/publish.ts',
    description: 'Publishes outbox records from the table stream to the province bus',
    trigger: { kind: 'table-stream', entityTypes: ['outbox'] },
  },
  {
    id: 'audit-digest',
    entry: 'functions/audit/digest.ts',
    description: "Writes every agency audit chain's head to the Object-Lock archive, daily at 00:30 ICT",
    trigger: { kind: 'schedule', expression: 'cron(30 17 * * ? *)' },
  },
  {
    id: 'webhooks-fan-out',
    entry: 'functions/subscriptions/fan-out.ts',
    description: 'Creates a signed delivery for each agency webhook subscribed to an event it may see',
    trigger: { kind: 'event-rule' },
  },
  {
    id: 'webhooks-send',
    entry: 'functions/subscriptions/send.ts',
    description: 'Sends due webhook deliveries, retrying at +1 min, +5 min, +1 h, +1 day',
    trigger: { kind: 'schedule', expression: 'rate(1 minute)', localEveryMs: 10_000 },
  },
  {
    id: 'national-portal-sync',
    entry: 'functions/national-portal/sync.ts',
    description:
      'Pushes dossiers (DongBoHoSoMC) and their status changes (CapNhatTienDoHoSoMC) to the National Public Service Portal',
    trigger: { kind: 'event-rule' },
  },
  {
    id: 'dossier-deadlines',
    entry: 'functions/dossiers/deadlines.ts',
    description:
      'Flags open dossiers due within a working day or overdue (events, apology-letter drafts), hourly',
    trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
  },
  {
    id: 'reports-aggregate',
    entry: 'functions/reports/aggregate.ts',
    description:
      'Adds each dossier, document, payment and file event to the per-agency per-day report and usage aggregates',
    trigger: { kind: 'event-rule' },
  },
];

export const workerById = (id: string): Worker => {
  const worker = workers.find((candidate) => candidate.id === id);
  if (!worker) throw new Error(`Unknown worker ${id}`);
  return worker;
};
