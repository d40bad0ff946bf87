/**
 * Every API function and its routes: the single list read by the CDK stateless stack, the local
 * runtime, the OpenAPI document and the authorization tests. Add a domain here and it is deployed,
 * served locally, documented and tested.
 */

import type { DocumentedRoute } from '#shared/http/openapi.ts';
import type { RouteTable } from '#shared/http/route.ts';
import { agencyRoutes } from './agencies/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { dossierRoutes } from './dossiers/routes.ts';
import { fileRoutes } from './files/routes.ts';
import { nationalPortalRoutes } from './national-portal/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { procedureRoutes } from './procedures/routes.ts';
import { monthlyReportRoutes, reportRoutes } from './reports/routes.ts';
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
    entry: 'functions/reports/pdf.ts',
    routes: monthlyReportRoutes,
    description: 'The monthly report document (PDF with an embedded Vietnamese font)',
  },
];

export interface RouteEntry extends DocumentedRoute {
  readonly functionId: string;
}

export const allRoutes: readonly RouteEntry[] = apiFunctions.flatMap((fn) =>
  Object.entries(fn.routes).map(([operationId, route]) => ({ operationId, route, functionId: fn.id })),
);

export const API_TITLE = 'Vietnam provincial digital-government platform API';
export const API_VERSION = '0.1.0';
