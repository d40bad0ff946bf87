/** HTTP operations of webhook subscriptions (handlers: ./api.ts, rules: shared/subscriptions). */
import * as z from 'zod/mini';
import { agencyCodeSchema } from '#shared/agencies/agency.ts';
import { pageOf, pageQueryFields } from '#shared/http/pagination.ts';
import { defineRoutes } from '#shared/http/route.ts';
import { Delivery } from '#shared/subscriptions/delivery.ts';
import {
  CreateSubscription,
  Subscription,
  SubscriptionWithSecret,
  subscriptionIdSchema,
  UpdateSubscription,
} from '#shared/subscriptions/subscription.ts';

/** Agency systems manage their own agency's subscriptions; province admins manage any. */
const managers = { 'agency-admin': 'agency', integration: 'agency', 'province-admin': 'province' } as const;
/** Another agency's subscription answers 404, as if it did not exist. */
const ownSubscription = { roles: managers, deny: 'not-found' } as const;
const idParam = z.strictObject({ id: subscriptionIdSchema });
const tags = ['Subscriptions'];

export const subscriptionRoutes = defineRoutes({
  createSubscription: {
    method: 'POST',
    path: '/v1/subscriptions',
    summary: 'Register a webhook for event types',
    description:
      'The subscription belongs to the caller’s agency (province admins may name `agencyCode`). It receives ' +
      'the events that name its agency as `agencyCode` or in `recipients`; scope `province` (only for the ' +
      'province’s root agency) receives every event. The URL must be https on a public address. The ' +
      'response carries the signing `secret` this once (docs/webhooks.md).',
    tags,
    access: { roles: managers },
    request: { body: CreateSubscription },
    responses: { 201: { description: 'Created; store the secret now', schema: SubscriptionWithSecret } },
    idempotent: true,
  },
  listSubscriptions: {
    method: 'GET',
    path: '/v1/subscriptions',
    summary: 'List the subscriptions of an agency',
    description: 'The caller’s agency by default; province admins may name `agencyCode`.',
    tags,
    access: { roles: managers },
    request: { query: z.strictObject({ agencyCode: z.optional(agencyCodeSchema), ...pageQueryFields }) },
    responses: {
      200: { description: 'A page of subscriptions, oldest first', schema: pageOf(Subscription) },
    },
  },
  getSubscription: {
    method: 'GET',
    path: '/v1/subscriptions/{id}',
    summary: 'Get one subscription (without its secret)',
    tags,
    access: ownSubscription,
    request: { params: idParam },
    responses: { 200: { description: 'The subscription (ETag = version)', schema: Subscription } },
  },
  updateSubscription: {
    method: 'PATCH',
    path: '/v1/subscriptions/{id}',
    summary: 'Change the URL, event types or status (active | paused)',
    description:
      'A paused subscription gets no new deliveries, and its pending ones end unsent. Honours If-Match.',
    tags,
    access: ownSubscription,
    request: { params: idParam, body: UpdateSubscription },
    responses: { 200: { description: 'Updated', schema: Subscription } },
    ifMatch: true,
  },
  rotateSubscriptionSecret: {
    method: 'POST',
    path: '/v1/subscriptions/{id}/rotate-secret',
    summary: 'Replace the signing secret',
    description:
      'Returns the new secret this once. For 24 h deliveries carry a `v1` signature with each of the new ' +
      'and the previous secret, so the receiver can switch without losing deliveries. Honours If-Match.',
    tags,
    access: ownSubscription,
    request: { params: idParam },
    responses: {
      200: { description: 'The subscription and its new secret', schema: SubscriptionWithSecret },
    },
    ifMatch: true,
  },
  deleteSubscription: {
    method: 'DELETE',
    path: '/v1/subscriptions/{id}',
    summary: 'Delete a subscription',
    tags,
    access: ownSubscription,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' } },
    ifMatch: true,
  },
  listSubscriptionDeliveries: {
    method: 'GET',
    path: '/v1/subscriptions/{id}/deliveries',
    summary: 'Deliveries of a subscription, newest first, with every attempt',
    tags,
    access: ownSubscription,
    request: { params: idParam, query: z.strictObject({ ...pageQueryFields }) },
    responses: { 200: { description: 'A page of deliveries', schema: pageOf(Delivery) } },
  },
});
