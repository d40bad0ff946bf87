/**
 * Serialises work on one key inside this process. Writers that must not interleave (a registration
 * book's counter, an agency's audit chain head) queue here instead of colliding in DynamoDB and
 * retrying: across containers the conditional writes still decide, but a container never races itself.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withKeyLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(key, tail);
  await previous.catch(() => undefined);
  try {
    return await work();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
