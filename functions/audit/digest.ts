/** Scheduled (daily): writes the head of every agency's audit chain to the Object-Lock archive. */
import { writeDigests } from '#shared/audit/repository.ts';
import { logger } from '#shared/platform/observability.ts';

export async function handler(): Promise<{ chains: number }> {
  const chains = await writeDigests();
  logger.info('audit digests written', { chains });
  return { chains };
}
