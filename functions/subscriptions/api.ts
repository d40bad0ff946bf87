/** Lambda handler of the subscription routes: thin adapters from routes to shared/subscriptions. */
import { createApiHandler } from '#shared/http/api-handler.ts';
import type { Principal } from '#shared/http/auth.ts';
import { ValidationError } from '#shared/http/errors.ts';
import * as subscriptions from '#shared/subscriptions/repository.ts';
import { subscriptionRoutes } from './routes.ts';

/** The agency a request is about: the one it names, else the caller's own. */
function agencyOf(requested: string | undefined, principal: Principal, path: string): string {
  const agencyCode = requested ?? principal.agencyCode;
  if (!agencyCode) {
    throw new ValidationError([
      { path, message: 'Name the agency: your account belongs to none', code: 'required' },
    ]);
  }
  return agencyCode;
}

export const handler = createApiHandler(subscriptionRoutes, {
  async createSubscription({ body, principal, authorize, change }) {
    const { agencyCode: requested, ...fields } = body;
    const agencyCode = agencyOf(requested, principal, 'body.agencyCode');
    await authorize({ agencyCode });
    const created = await subscriptions.createSubscription({ ...fields, agencyCode }, change);
    return {
      status: 201,
      body: created,
      version: created.version,
      headers: { location: `/v1/subscriptions/${created.id}`, 'cache-control': 'no-store' },
    };
  },

  async listSubscriptions({ query, principal, authorize }) {
    const agencyCode = agencyOf(query.agencyCode, principal, 'query.agencyCode');
    await authorize({ agencyCode });
    return { status: 200, body: await subscriptions.listSubscriptions({ ...query, agencyCode }) };
  },

  async getSubscription({ params, authorize }) {
    const subscription = await subscriptions.requireSubscription(params.id);
    await authorize({ agencyCode: subscription.agencyCode });
    return { status: 200, body: subscription, version: subscription.version };
  },

  async updateSubscription({ params, body, ifMatch, authorize, change }) {
    await authorize({ agencyCode: (await subscriptions.requireSubscription(params.id)).agencyCode });
    const updated = await subscriptions.updateSubscription(params.id, body, ifMatch, change);
    return { status: 200, body: updated, version: updated.version };
  },

  async rotateSubscriptionSecret({ params, ifMatch, authorize, change }) {
    await authorize({ agencyCode: (await subscriptions.requireSubscription(params.id)).agencyCode });
    const rotated = await subscriptions.rotateSubscriptionSecret(params.id, ifMatch, change);
    return { status: 200, body: rotated, version: rotated.version, headers: { 'cache-control': 'no-store' } };
  },

  async deleteSubscription({ params, ifMatch, authorize, change }) {
    await authorize({ agencyCode: (await subscriptions.requireSubscription(params.id)).agencyCode });
    await subscriptions.deleteSubscription(params.id, ifMatch, change);
    return { status: 204 };
  },

  async listSubscriptionDeliveries({ params, query, authorize }) {
    await authorize({ agencyCode: (await subscriptions.requireSubscription(params.id)).agencyCode });
    return { status: 200, body: await subscriptions.listDeliveries(params.id, query) };
  },
});
