/**
 * What payment gateways and the local sandbox call (handlers: ./api.ts, rules: shared/payments):
 * public, each callback verified by its protocol's signature and answered in the protocol's own
 * format rather than problem+json.
 */
import * as z from 'zod/mini';
import { defineRoutes } from '#shared/http/route.ts';

const gatewayParam = z.strictObject({
  gateway: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)),
});

const callbackDescription =
  'Signed per protocol and checked over the raw payload; answered in the protocol’s own format ' +
  '(VNPay: HTTP 200 `{RspCode, Message}`; national platform: `{MaLoi, MoTa}`). Replays change nothing.';

export const paymentCallbackRoutes = defineRoutes({
  paymentCallbackGet: {
    method: 'GET',
    path: '/v1/payments/callbacks/{gateway}',
    summary: 'Gateway callback sent as a GET with a signed query string (VNPay IPN)',
    description: callbackDescription,
    tags: ['Payments'],
    access: { public: 'Payment gateways call it; every callback is verified by its signature' },
    request: { params: gatewayParam },
    responses: { 200: { description: 'The protocol’s answer' } },
  },
  paymentCallbackPost: {
    method: 'POST',
    path: '/v1/payments/callbacks/{gateway}',
    summary: 'Gateway callback sent as a POST (national payment platform: JSON with a signature header)',
    description: callbackDescription,
    tags: ['Payments'],
    access: { public: 'Payment gateways call it; every callback is verified by its signature' },
    request: { params: gatewayParam },
    responses: { 200: { description: 'The protocol’s answer' } },
  },
  paymentSandboxPage: {
    method: 'GET',
    path: '/v1/payments/sandbox',
    summary:
      'Local sandbox gateway: a page to pay, fail, lose the callback or abandon (404 unless configured)',
    tags: ['Payments'],
    access: { public: 'The local sandbox stands in for a gateway’s payment page; absent in deployed stacks' },
    responses: {
      200: { description: 'HTML page', contentType: 'text/html' },
      404: { description: 'No sandbox in this stack, or no such payment (problem+json)' },
    },
  },
  paymentSandboxAction: {
    method: 'POST',
    path: '/v1/payments/sandbox',
    summary: 'Local sandbox gateway: the tester’s choice (form post); delivers the signed callback',
    tags: ['Payments'],
    access: { public: 'The local sandbox stands in for a gateway’s payment page; absent in deployed stacks' },
    responses: {
      200: { description: 'HTML page with the result', contentType: 'text/html' },
      400: { description: 'The outcome is not paid, failed or paid-no-callback (problem+json)' },
      404: { description: 'No sandbox in this stack, or no such payment (problem+json)' },
    },
  },
});
