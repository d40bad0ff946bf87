/**
 * A stand-alone outbox publisher (the Lambda handler behind the local stream poller), run as a
 * child process by tests/integration/outbox-publisher.test.ts so it can be killed mid-batch.
 * Env: the platform's env, CHECKPOINT_FILE, EVENT_BUS_NAME, AWS_ENDPOINT_URL_EVENTBRIDGE.
 */

import { handler } from '#functions/events/publish.ts';
import { fileCheckpoints, startStreamPoller } from '#infra/local/stream-poller.ts';

await startStreamPoller({
  tableName: process.env.TABLE_NAME!,
  checkpoints: fileCheckpoints(process.env.CHECKPOINT_FILE!),
  batchSize: 50,
  intervalMs: 50,
  handler,
  onError: (error) => console.error(error),
});
console.log('publisher ready');
