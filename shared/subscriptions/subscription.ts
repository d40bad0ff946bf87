/**
 * Subscriptions (đăng ký nhận sự kiện): an agency system's webhook for the platform's events.
 * Schemas of the API and the pure rules on secrets, scope and event types. No AWS here.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { eventCatalog } from '#events/catalog.ts';
import { agencyCodeSchema } from '../agencies/agency.ts';

/** Every EventBridge detail-type a subscription may name: those of the event catalog (docs/events.md). */
export const SUBSCRIBABLE_EVENT_TYPES = [...new Set(eventCatalog.map((contract) => contract.detailType))];

export const MAX_EVENT_TYPES = 25;
/** A rotated-out secret keeps signing for this long, so receivers can switch without losing deliveries. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;
export const SECRET_PREFIX = 'whsec_';

export const subscriptionStatusSchema = z.enum(['active', 'paused']);
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema>;

/**
 * Which events reach the subscription:
 * - `agency`: events whose `detail.agencyCode` or `detail.recipients` name the owning agency;
 * - `province`: every event of the province; only for a subscription of the province's root agency
 *   (e.g. the LGSP integration client of UBND tỉnh).
 */
export const subscriptionScopeSchema = z.enum(['agency', 'province']);
export type SubscriptionScope = z.infer<typeof subscriptionScopeSchema>;

const eventTypeSchema = z.enum(SUBSCRIBABLE_EVENT_TYPES as [string, ...string[]]);

const eventTypesSchema = z.array(eventTypeSchema).check(
  z.minLength(1),
  z.maxLength(MAX_EVENT_TYPES),
  z.refine((types) => new Set(types).size === types.length, 'List each event type once'),
);

const urlSchema = z.string().check(z.minLength(1), z.maxLength(2048));
const description = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));

export const subscriptionIdSchema = z.uuid();

const subscriptionFields = {
  id: z.string(),
  /** The agency that owns the subscription and whose audit chain records its changes. */
  agencyCode: agencyCodeSchema,
  url: z.string(),
  eventTypes: z.array(z.string()),
  status: subscriptionStatusSchema,
  scope: subscriptionScopeSchema,
  description: z.optional(z.string()),
  /** The last 4 characters of the current signing secret, to tell secrets apart. */
  secretHint: z.string(),
  /** Until when the previous secret still signs, after a rotation. */
  previousSecretExpiresAt: z.optional(z.string()),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const Subscription = z.object(subscriptionFields).register(z.globalRegistry, {
  id: 'Subscription',
  description:
    'A webhook of an agency system. The signing secret is never returned after creation or rotation.',
});
export type Subscription = z.infer<typeof Subscription>;

export const SubscriptionWithSecret = z
  .object({
    ...subscriptionFields,
    /** The signing secret: shown once, store it now (docs/webhooks.md). */
    secret: z.string(),
  })
  .register(z.globalRegistry, {
    id: 'SubscriptionWithSecret',
    description: 'A subscription and its new signing secret, returned only by creation and rotation.',
  });
export type SubscriptionWithSecret = z.infer<typeof SubscriptionWithSecret>;

export const CreateSubscription = z
  .strictObject({
    url: urlSchema,
    eventTypes: eventTypesSchema,
    description: z.optional(description),
    /** Province admins name the owning agency; others subscribe for their own agency (default). */
    agencyCode: z.optional(agencyCodeSchema),
    scope: z.optional(subscriptionScopeSchema),
  })
  .register(z.globalRegistry, { id: 'CreateSubscription' });
export type CreateSubscription = z.infer<typeof CreateSubscription>;

export const UpdateSubscription = z
  .strictObject({
    url: z.optional(urlSchema),
    eventTypes: z.optional(eventTypesSchema),
    status: z.optional(subscriptionStatusSchema),
    description: z.optional(z.nullable(description)),
  })
  .check(z.refine((patch) => Object.keys(patch).length > 0, 'Send at least one field to change'))
  .register(z.globalRegistry, { id: 'UpdateSubscription' });
export type UpdateSubscription = z.infer<typeof UpdateSubscription>;

/**
 * The signing secrets as stored. In AWS the table is encrypted with the stack's KMS key; a stricter
 * deployment would also envelope-encrypt these attributes with that key (KMS Encrypt on write,
 * Decrypt in the sender) so a table export alone does not reveal them.
 */
export interface SigningSecrets {
  readonly signingSecret: string;
  readonly previousSigningSecret?: string;
  readonly previousSecretExpiresAt?: string;
}

/** The stored subscription: the API fields and the secrets. */
export type StoredSubscription = Subscription & SigningSecrets;

/** A new secret: 32 random bytes from the CSPRNG, base64url, with a recognisable prefix. */
export const generateSecret = (): string => `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;

export const secretHintOf = (secret: string): string => secret.slice(-4);

/** The secrets that sign a delivery at `now`: the current one, and the previous one until it expires. */
export function activeSecrets(secrets: SigningSecrets, now: Date): string[] {
  const active = [secrets.signingSecret];
  if (
    secrets.previousSigningSecret &&
    secrets.previousSecretExpiresAt &&
    Date.parse(secrets.previousSecretExpiresAt) > now.getTime()
  ) {
    active.push(secrets.previousSigningSecret);
  }
  return active;
}

/**
 * Rotation: the new secret becomes current, the current one signs alongside it for 24 h. Rotating
 * again within those 24 h drops the older previous secret at once (at most two secrets sign).
 */
export function rotateSecrets(
  current: SigningSecrets,
  now: Date,
  newSecret = generateSecret(),
): SigningSecrets {
  return {
    signingSecret: newSecret,
    previousSigningSecret: current.signingSecret,
    previousSecretExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS).toISOString(),
  };
}

/** The API view: everything but the secrets. */
export function publicView(stored: StoredSubscription, now = new Date()): Subscription {
  const {
    signingSecret: _secret,
    previousSigningSecret: _previous,
    previousSecretExpiresAt,
    ...subscription
  } = stored;
  const previousActive =
    previousSecretExpiresAt !== undefined && Date.parse(previousSecretExpiresAt) > now.getTime();
  return { ...subscription, ...(previousActive ? { previousSecretExpiresAt } : {}) };
}

/** Whether the owner of a subscription may watch the whole province: only the province's root agency. */
export const mayUseProvinceScope = (owner: { parentCode: string | null }): boolean =>
  owner.parentCode === null;
