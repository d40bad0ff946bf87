/**
 * A loopback HTTP endpoint that speaks EventBridge's PutEvents (AWS JSON 1.1), so the publisher
 * uses the real SDK client locally too: AWS_ENDPOINT_URL_EVENTBRIDGE points here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  /** The SDK sends Time as epoch seconds. */
  Time?: number | string;
  EventBusName?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface EventBridgeEndpoint {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startEventBridgeEndpoint(
  putEvents: (entries: PutEventsEntry[]) => Promise<PutEventsResultEntry[]>,
): Promise<EventBridgeEndpoint> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      const target = request.headers['x-amz-target'];
      if (target !== 'AWSEvents.PutEvents') {
        return reply(400, {
          __type: 'UnknownOperationException',
          message: `Only PutEvents is emulated, not ${target}`,
        });
      }
      try {
        const { Entries = [] } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          Entries?: PutEventsEntry[];
        };
        const results = await putEvents(Entries);
        reply(200, {
          FailedEntryCount: results.filter((entry) => 'ErrorCode' in entry).length,
          Entries: results,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof Error && error.name === 'ValidationException')
          reply(400, { __type: 'ValidationException', message });
        else reply(500, { __type: 'InternalException', message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
