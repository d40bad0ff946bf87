/** Lambda handler of the official-document routes: thin adapters to shared/documents. */
import { checkSignedMainText } from '#shared/documents/signing.ts';
import { exportEdxml, importEdxml } from '#shared/documents/edxml-exchange.ts';
import * as incoming from '#shared/documents/incoming.ts';
import * as outgoing from '#shared/documents/outgoing.ts';
import { allowedIncomingActions, allowedOutgoingActions } from '#shared/documents/workflow.ts';
import { downloadLink } from '#shared/files/read-file.ts';
import { createApiHandler } from '#shared/http/api-handler.ts';
import { NotFoundError } from '#shared/http/errors.ts';
import { signingCapability } from '#shared/signing/index.ts';
import { documentRoutes } from './routes.ts';

const noStore = { 'cache-control': 'no-store' };

/** A short-lived link to an attachment; access was decided by the document, not the file's agency. */
async function attachmentReply(attachments: readonly { fileId: string }[], fileId: string, redirect: string | undefined) {
  if (!attachments.some((attachment) => attachment.fileId === fileId)) {
    throw new NotFoundError('The document has no such attachment');
  }
  const link = await downloadLink(fileId, async () => undefined);
  if (redirect === 'false') return { status: 200, body: link, headers: noStore };
  return { status: 302, headers: { ...noStore, location: link.url } };
}

export const handler = createApiHandler(documentRoutes, {
  async draftDocument({ body, principal, change, authorize }) {
    const document = await outgoing.draftDocument(body, principal, change, authorize);
    return { status: 201, body: document, version: document.version, headers: { location: `/v1/documents/${document.id}` } };
  },

  async getDocument({ params, principal, authorize }) {
    const document = await outgoing.requireOutgoing(params.id);
    await authorize({ agencyCode: document.agencyCode });
    const own = principal.agencyCode === document.agencyCode;
    return {
      status: 200,
      version: document.version,
      body: {
        document,
        recipients: await outgoing.recipientStatuses(document.id),
        allowedActions: own ? allowedOutgoingActions(document.status, principal.roles) : [],
      },
    };
  },

  async transitionDocument({ params, body, principal, change, authorize, ifMatch }) {
    const document = await outgoing.moveOutgoing(params.id, body.action, body.note, { principal, context: change, authorize, ifMatch });
    return { status: 200, body: document, version: document.version };
  },

  async signDocument({ params, body, principal, change, authorize, ifMatch }) {
    const document = await outgoing.recordSignature(params.id, { principal, context: change, authorize, ifMatch }, (before) =>
      checkSignedMainText(before, body.signedFileId, signingCapability()),
    );
    return { status: 200, body: document, version: document.version };
  },

  async issueDocument({ params, body, principal, change, authorize, ifMatch }) {
    const document = await outgoing.issueDocument(params.id, body.book, { principal, context: change, authorize, ifMatch });
    return { status: 200, body: document, version: document.version };
  },

  async sendDocument({ params, principal, change, authorize, ifMatch }) {
    const sent = await outgoing.sendDocument(params.id, { principal, context: change, authorize, ifMatch });
    return { status: 202, body: sent, version: sent.document.version };
  },

  async recallDocument({ params, body, principal, change, authorize, ifMatch }) {
    const document = await outgoing.requestChange(
      params.id,
      { kind: 'recall', reason: body.reason, recipients: body.recipients },
      { principal, context: change, authorize, ifMatch },
    );
    return { status: 202, body: document, version: document.version };
  },

  async updateDocument({ params, body, principal, change, authorize, ifMatch }) {
    const { reason, recipients, ...update } = body;
    const document = await outgoing.requestChange(
      params.id,
      { kind: 'update', reason, recipients, update },
      { principal, context: change, authorize, ifMatch },
    );
    return { status: 202, body: document, version: document.version };
  },

  async downloadDocumentAttachment({ params, query, authorize }) {
    const document = await outgoing.requireOutgoing(params.id);
    await authorize({ agencyCode: document.agencyCode });
    return attachmentReply(document.attachments, params.fileId, query.redirect);
  },

  async exportDocumentEdxml({ params, authorize }) {
    const document = await outgoing.requireOutgoing(params.id);
    await authorize({ agencyCode: document.agencyCode });
    const xml = await exportEdxml(document, signingCapability());
    const name = `${(document.numberNotation ?? document.id).replace(/[^A-Za-z0-9-]/g, '_')}.edxml.xml`;
    return {
      status: 200,
      raw: { body: xml, contentType: 'application/xml; charset=utf-8' },
      headers: { 'content-disposition': `attachment; filename="${name}"`, ...noStore },
    };
  },

  async importEdxml({ body, principal, change, authorize }) {
    const document = await importEdxml(body, principal, change, authorize, signingCapability());
    return { status: 201, body: document, version: document.version, headers: { location: `/v1/incoming-documents/${document.id}` } };
  },

  async listOutgoingDocuments({ params, query, authorize }) {
    await authorize({ agencyCode: params.code });
    return { status: 200, body: await outgoing.listOutgoing({ ...query, agencyCode: params.code }) };
  },

  async listIncomingDocuments({ params, query, authorize }) {
    await authorize({ agencyCode: params.code });
    return { status: 200, body: await incoming.listIncoming({ ...query, agencyCode: params.code }) };
  },

  async getIncomingDocument({ params, principal, authorize }) {
    const document = await incoming.requireIncoming(params.id);
    await authorize({ agencyCode: document.agencyCode });
    const own = principal.agencyCode === document.agencyCode;
    return {
      status: 200,
      version: document.version,
      body: { document, allowedActions: own ? allowedIncomingActions(document.status, principal.roles) : [] },
    };
  },

  async transitionIncomingDocument({ params, body, principal, change, authorize, ifMatch }) {
    const document = await incoming.actOnIncoming(params.id, body, { principal, context: change, authorize, ifMatch });
    return { status: 200, body: document, version: document.version };
  },

  async answerDocumentRequest({ params, body, principal, change, authorize, ifMatch }) {
    const document = await incoming.answerRequest(params.id, body, { principal, context: change, authorize, ifMatch });
    return { status: 200, body: document, version: document.version };
  },

  async downloadIncomingAttachment({ params, query, authorize }) {
    const document = await incoming.requireIncoming(params.id);
    await authorize({ agencyCode: document.agencyCode });
    return attachmentReply(document.attachments, params.fileId, query.redirect);
  },
});
