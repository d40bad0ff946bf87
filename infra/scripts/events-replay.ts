/**
 * `npm run events:replay -- --from <ISO time> --to <ISO time> [--source archive|outbox]`
 * Replays the events published in a window. In AWS (EVENT_ARCHIVE_ARN and EVENT_BUS_ARN set) the
 * bus archive replays them; otherwise (and next to `npm start`) the outbox is re-published.
 * Consumers deduplicate, so only the ones that failed (e.g. those in a DLQ) apply them again.
 */
import { parseArgs } from 'node:util';
import { replayFromArchive, replayFromOutbox } from '#shared/events/replay.ts';
import { ENV, optionalEnv, requireEnv } from '#shared/platform/env.ts';
import { loadRuntimeEnv } from './runtime-env.ts';

const { values } = parseArgs({
  options: { from: { type: 'string' }, to: { type: 'string' }, source: { type: 'string' } },
});
const from = new Date(values.from ?? '');
const to = new Date(values.to ?? new Date().toISOString());
if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from > to) {
  console.error(
    'Usage: npm run events:replay -- --from 2026-11-22T00:00:00Z [--to 2026-11-22T23:59:59Z] [--source archive|outbox]',
  );
  process.exit(2);
}
try {
  await loadRuntimeEnv();
  const archiveArn = optionalEnv(ENV.eventArchiveArn);
  const source = values.source ?? (archiveArn ? 'archive' : 'outbox');
  if (source === 'archive') {
    const name = await replayFromArchive(
      from,
      to,
      requireEnv(ENV.eventArchiveArn),
      requireEnv(ENV.eventBusArn),
    );
    console.log(
      `Started archive replay ${name}; follow it with: aws events describe-replay --replay-name ${name}`,
    );
  } else {
    const { sent, failed } = await replayFromOutbox(from, to, requireEnv(ENV.eventBusName));
    console.log(
      `Re-published ${sent} outbox events from ${from.toISOString()} to ${to.toISOString()}${failed ? `, ${failed} refused` : ''}`,
    );
    process.exit(failed ? 1 : 0);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
