export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  initialMs: number;
  /** No single delay exceeds this. */
  maxMs: number;
  multiplier?: number;
}

/**
 * Exponential backoff with "equal jitter": half the step is kept so retries never collapse to zero,
 * the other half is random so many clients recovering at once do not retry in lock-step.
 * `attempt` is 1 for the first retry.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const multiplier = policy.multiplier ?? 2;
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const step = Math.min(policy.maxMs, policy.initialMs * multiplier ** exponent);
  return Math.round(step / 2 + random() * (step / 2));
}

const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/**
 * Parses a `Retry-After` header (delta-seconds or HTTP date) into milliseconds from `now`.
 * Returns undefined for a missing or unreadable value; caps absurd values.
 */
export function parseRetryAfter(header: unknown, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim().slice(0, 64);
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.round(Number(text) * 1000), MAX_RETRY_AFTER_MS);
  // An HTTP date always names its day and month; this also keeps Date.parse from reading '-1' as a year.
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(date - now, 0), MAX_RETRY_AFTER_MS);
}
