/**
 * The event envelope and the contract model (house style §7). Every event the platform emits is
 * declared once as a versioned contract in `events/<domain>/<name>.v<N>.ts`; producers validate
 * before writing to the outbox, consumers parse on receipt, and a published version never breaks
 * (tests/unit/event-contracts.test.ts compares it with its snapshot in events/published/).
 *
 * On EventBridge an event is `{ source, detail-type, detail }` where `detail` is the envelope below:
 * metadata at the top level (so rules can select on `detail.recipients` or `detail.agencyCode`)
 * and the contract's payload under `data`.
 */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { ROLES } from '#shared/http/route.ts';

export const Actor = z.union([
  z.object({
    type: z.literal('user'),
    sub: z.string(),
    username: z.string(),
    roles: z.array(z.enum(ROLES)),
    agencyCode: z.optional(agencyCodeSchema),
  }),
  z.object({ type: z.literal('system'), name: z.string() }),
]);
export type Actor = z.infer<typeof Actor>;

const envelopeFields = {
  /** Unique per event; consumers deduplicate on it. */
  eventId: z.string().check(z.minLength(8), z.maxLength(64)),
  /** Version of the `data` schema (the contract's version). */
  schemaVersion: z.number().check(z.int(), z.minimum(1)),
  occurredAt: z.iso.datetime(),
  /** Province stack that produced the event (province config code). */
  province: z.string(),
  /** Agency on whose behalf the change happened. */
  agencyCode: z.nullable(agencyCodeSchema),
  /** Agencies the event concerns (receivers of a document, next agency of a dossier …). */
  recipients: z.array(agencyCodeSchema),
  entity: z.object({ type: z.string(), id: z.string() }),
  /** The request or process this event belongs to (X-Request-Id, or the causing event's correlation). */
  correlationId: z.string(),
  /** The event that caused this one, when a consumer emitted it. */
  causationId: z.optional(z.string()),
  actor: Actor,
};

export const EnvelopeMeta = z.object(envelopeFields);
export type EnvelopeMeta = z.infer<typeof EnvelopeMeta>;

export interface EventContract<S extends z.ZodMiniType = z.ZodMiniType> {
  /** EventBridge `source`, `vnpp.<domain>`. */
  readonly source: `vnpp.${string}`;
  /** EventBridge `detail-type`, PascalCase past tense. */
  readonly detailType: string;
  readonly version: number;
  readonly description: string;
  /** Schema of `detail.data`. */
  readonly data: S;
  /** A realistic sample of `detail` (envelope + data), used by docs and tests. */
  readonly example: EventDetail<z.output<S>>;
}

export type EventDetail<TData> = EnvelopeMeta & { data: TData };

/** The full `detail` schema of a contract: envelope plus its data. */
export const detailSchema = <S extends z.ZodMiniType>(contract: EventContract<S>) =>
  z.object({ ...envelopeFields, schemaVersion: z.literal(contract.version), data: contract.data });

export function defineEvent<S extends z.ZodMiniType>(contract: EventContract<S>): EventContract<S> {
  return contract;
}

/** Identifier of a contract version, e.g. `vnpp.agencies/AgencyCreated/v1`. */
export const contractId = (contract: Pick<EventContract, 'source' | 'detailType' | 'version'>): string =>
  `${contract.source}/${contract.detailType}/v${contract.version}`;
