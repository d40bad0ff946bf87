/**
 * Every event contract the platform publishes. Add a contract here when you add an event; then
 * `npm run events:catalog` publishes its schema snapshot (events/published/) and regenerates
 * docs/events.md. A published version is frozen: change it compatibly or add a v2.
 */
import { AgencyCreatedV1, AgencyDeletedV1, AgencyUpdatedV1 } from './agencies/agency-changed.v1.ts';
import {
  DocumentChangeRequestedV1,
  DocumentIssuedV1,
  DocumentSentV1,
  DocumentStatusReportedV1,
  IncomingDocumentCompletedV1,
  IncomingDocumentReceivedV1,
  IncomingDocumentRegisteredV1,
} from './documents/document-events.v1.ts';
import { DossierDueSoonV1, DossierOverdueV1 } from './dossiers/dossier-deadline.v1.ts';
import { DossierRatedV1, DossierStatusChangedV1, DossierSubmittedV1 } from './dossiers/dossier-events.v1.ts';
import type { EventContract } from './envelope.ts';
import { FileConfirmedV1 } from './files/file-confirmed.v1.ts';
import { paymentEventContracts } from './payments/payment-events.v1.ts';
import { ProcedurePublishedV1 } from './procedures/procedure-published.v1.ts';
import { CertificateRegisteredV1, SignatureCompletedV1 } from './signatures/signature-events.v1.ts';

export const eventCatalog: readonly EventContract[] = [
  AgencyCreatedV1,
  AgencyUpdatedV1,
  AgencyDeletedV1,
  DossierSubmittedV1,
  DossierStatusChangedV1,
  DossierRatedV1,
  DossierDueSoonV1,
  DossierOverdueV1,
  FileConfirmedV1,
  ProcedurePublishedV1,
  DocumentIssuedV1,
  DocumentSentV1,
  DocumentChangeRequestedV1,
  DocumentStatusReportedV1,
  IncomingDocumentReceivedV1,
  IncomingDocumentRegisteredV1,
  IncomingDocumentCompletedV1,
  ...paymentEventContracts,
  SignatureCompletedV1,
  CertificateRegisteredV1,
];
