/** Lambda handler of the payment API: thin adapters to shared/payments. */
import { participants, requireDossier } from '#shared/dossiers/repository.ts';
import { createApiHandler } from '#shared/http/api-handler.ts';
import { configuredGateways } from '#shared/payments/gateways/registry.ts';
import { reconcileDay, reconciliationsOf } from '#shared/payments/jobs.ts';
import { receiptLink } from '#shared/payments/receipts.ts';
import * as payments from '#shared/payments/repository.ts';
import { paymentRoutes } from './routes.ts';

export const handler = createApiHandler(paymentRoutes, {
  async listPaymentGateways() {
    return { status: 200, body: { items: configuredGateways() } };
  },

  async createPayment({ body, change, authorize, event }) {
    const { payment, created } = await payments.createPayment(
      body,
      change,
      authorize,
      event.requestContext.http.sourceIp,
    );
    return {
      status: created ? 201 : 200,
      body: payment,
      version: payment.version,
      headers: { location: `/v1/payments/${payment.id}`, 'cache-control': 'no-store' },
    };
  },

  async getPayment({ params, authorize }) {
    const payment = await payments.requirePayment(params.id);
    await authorize(payments.accessTargetOf(payment));
    return { status: 200, body: payment, version: payment.version, headers: { 'cache-control': 'no-store' } };
  },

  async cancelPayment({ params, change, authorize }) {
    const payment = await payments.cancelPayment(params.id, change, authorize);
    return { status: 200, body: payment, version: payment.version };
  },

  async refundPayment({ params, body, principal, change, authorize }) {
    const payment = await payments.refundPayment(params.id, body, principal, change, authorize);
    return { status: 200, body: payment, version: payment.version };
  },

  async downloadPaymentReceipt({ params, query, authorize }) {
    const payment = await payments.requirePayment(params.id);
    await authorize(payments.accessTargetOf(payment));
    const link = await receiptLink(payment);
    const noStore = { 'cache-control': 'no-store' };
    if (query.redirect === 'false') return { status: 200, body: link, headers: noStore };
    return { status: 302, headers: { ...noStore, location: link.url } };
  },

  async listDossierPayments({ params, authorize }) {
    const dossier = await requireDossier(params.id);
    await authorize({
      agencyCodes: participants(dossier),
      ...(dossier.ownerSub ? { ownerSub: dossier.ownerSub } : {}),
    });
    return { status: 200, body: { items: await payments.paymentsOfDossier(dossier.id) } };
  },

  async getPaymentReconciliation({ params, authorize }) {
    await authorize({});
    return { status: 200, body: { date: params.date, items: await reconciliationsOf(params.date) } };
  },

  async runPaymentReconciliation({ params, authorize }) {
    await authorize({});
    return { status: 200, body: { date: params.date, items: await reconcileDay(params.date) } };
  },
});
