/**
 * Every API function and its routes: the single list read by the CDK stateless stack, the local
 * runtime, the OpenAPI document and the authorization tests. Add a domain here and it is deployed,
 * served locally, documented and tested.
 */

import type { DocumentedRoute } from '#shared/http/openapi.ts';
import type { RouteTable } from '#shared/http/route.ts';
import { agencyRoutes } from './agencies/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { documentRoutes } from './documents/routes.ts';
import { dossierRoutes } from './dossiers/routes.ts';
import { fileRoutes } from './files/routes.ts';
import { nationalPortalRoutes } from './national-portal/routes.ts';
import { paymentCallbackRoutes } from './payment-callbacks/routes.ts';
import { paymentRoutes } from './payments/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { procedureRoutes } from './procedures/routes.ts';
import { monthlyReportRoutes, reportRoutes } from './reports/routes.ts';
import { signatureRoutes } from './signatures/routes.ts';
import { subscriptionRoutes } from './subscriptions/routes.ts';

export interface ApiFunction {
  /** Short name; the Lambda function is `<stack>-<id>`. */
  readonly id: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly routes: RouteTable;
  readonly description: string;
}

export const apiFunctions: readonly ApiFunction[] = [
  {
    id: 'platform',
    entry: 'functions/platform/api.ts',
    routes: platformRoutes,
    description: 'Health, OpenAPI, docs',
  },
  {
    id: 'agencies',
    entry: 'functions/agencies/api.ts',
    routes: agencyRoutes,
    description: 'Agency registry',
  },
  {
    id: 'dossiers',
    entry: 'functions/dossiers/api.ts',
    routes: dossierRoutes,
    description: 'One-stop-shop dossiers: submission, lifecycle, queues, public lookup',
  },
  {
    id: 'documents',
    entry: 'functions/documents/api.ts',
    routes: documentRoutes,
    description: 'Official documents: drafting, signing, numbering, sending, inboxes, edXML exchange',
  },
  {
    id: 'audit',
    entry: 'functions/audit/api.ts',
    routes: auditRoutes,
    description: 'Audit trail',
  },
  {
    id: 'procedures',
    entry: 'functions/procedures/api.ts',
    routes: procedureRoutes,
    description: 'Procedure catalog (TTHC)',
  },
  {
    id: 'files',
    entry: 'functions/files/api.ts',
    routes: fileRoutes,
    description: 'File attachments: presigned uploads, checks, downloads',
  },
  {
    id: 'subscriptions',
    entry: 'functions/subscriptions/api.ts',
    routes: subscriptionRoutes,
    description: 'Webhook subscriptions and deliveries',
  },
  {
    id: 'national-portal',
    entry: 'functions/national-portal/api.ts',
    routes: nationalPortalRoutes,
    description: 'National Public Service Portal sync log (read-only)',
  },
  {
    id: 'reports',
    entry: 'functions/reports/api.ts',
    routes: reportRoutes,
    description:
      'Dossier, document and payment indicators from the aggregates; usage metering; CSV and XLSX exports',
  },
  {
    id: 'reports-pdf',
    entry: 'functions/reports-pdf/api.ts',
    routes: monthlyReportRoutes,
    description: 'The monthly report document (PDF with an embedded Vietnamese font)',
  },
  {
    id: 'payments',
    entry: 'functions/payments/api.ts',
    routes: paymentRoutes,
    description: 'Online fee payments: requests, status, refunds, receipts, reconciliation reports',
  },
  {
    id: 'payment-callbacks',
    entry: 'functions/payment-callbacks/api.ts',
    routes: paymentCallbackRoutes,
    description: 'Payment gateway callbacks (signed, answered per protocol) and the local sandbox gateway',
  },
  {
    id: 'signatures',
    entry: 'functions/signatures/api.ts',
    routes: signatureRoutes,
    description: 'Digital signatures: certificates, two-phase personal signing, agency seal, verification',
  },
];

export interface RouteEntry extends DocumentedRoute {
  readonly functionId: string;
}

export const allRoutes: readonly RouteEntry[] = apiFunctions.flatMap((fn) =>
  Object.entries(fn.routes).map(([operationId, route]) => ({ operationId, route, functionId: fn.id })),
);

export { API_TITLE, API_VERSION } from './api-info.ts';
