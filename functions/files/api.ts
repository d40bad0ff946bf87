/** Lambda handler of file attachments: thin adapters from routes to shared/files. */
import { confirmUpload } from '#shared/files/confirm-upload.ts';
import { downloadLink, readFile } from '#shared/files/read-file.ts';
import { requestUpload } from '#shared/files/request-upload.ts';
import { createApiHandler } from '#shared/http/api-handler.ts';
import { fileRoutes } from './routes.ts';

/** Responses carrying presigned URLs must not be cached by browsers or proxies. */
const noStore = { 'cache-control': 'no-store' };

export const handler = createApiHandler(fileRoutes, {
  async requestFileUpload({ body, principal, authorize, change }) {
    const ticket = await requestUpload(body, { principal, authorize, change });
    return {
      status: 201,
      body: ticket,
      version: ticket.file.version,
      headers: { ...noStore, location: `/v1/files/${ticket.id}` },
    };
  },

  async getFile({ params, authorize }) {
    const file = await readFile(params.id, authorize);
    return { status: 200, body: file, version: file.version };
  },

  async confirmFileUpload({ params, authorize, change }) {
    const file = await confirmUpload(params.id, { authorize, change });
    return { status: 200, body: file, version: file.version };
  },

  async getFileDownload({ params, query, authorize }) {
    const link = await downloadLink(params.id, authorize);
    if (query.redirect === 'false') return { status: 200, body: link, headers: noStore };
    return { status: 302, headers: { ...noStore, location: link.url } };
  },
});
