/**
 * `create` run once and its result shared by every caller, except that a failure is forgotten: the next
 * call tries again. For set-ups that need a remote system which may not be up yet (NATS buckets, streams).
 */
export function onceSucceeded<T>(create: () => Promise<T>): () => Promise<T> {
  let created: Promise<T> | undefined;
  return () => {
    const attempt = (created ??= create());
    attempt.catch(() => {
      if (created === attempt) created = undefined;
    });
    return attempt;
  };
}
