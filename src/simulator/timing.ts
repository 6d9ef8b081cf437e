import { setTimeout as delay } from 'node:timers/promises';

const POLL_INTERVAL_MS = 10;

/** Values a probe returns while the awaited condition does not hold yet. */
export type Falsy = false | 0 | 0n | '' | null | undefined;

/** Resolves true after `ms`, or false as soon as `signal` aborts (the simulator stopped). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls `probe` until it returns (or resolves to) a truthy value. An async probe is awaited before it is
 * judged: a pending Promise is itself truthy, so without the await a wait would return at once and check
 * nothing. A probe that throws or rejects counts as "not yet" (so `() => list[0].body.x` can be written
 * directly); its last error is quoted on timeout.
 */
export async function waitFor<T>(
  probe: () => T | Falsy | PromiseLike<T | Falsy>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<Exclude<T, Falsy>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Exclude<T, Falsy>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last probe error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await delay(POLL_INTERVAL_MS);
  }
}
