/** Jittered exponential backoff for optimistic-concurrency retries (full jitter, capped). */
export const backoff = (attempt: number, baseMs = 10, capMs = 400): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(capMs, baseMs * 2 ** attempt)));
