import { backoffDelay, type BackoffPolicy, parseRetryAfter } from '../common/backoff.js';
import { HttpTransportError } from './http-transport.js';

/** What to do after one failed attempt of a REST call. */
export type RetryDecision =
  | { kind: 'retry'; delayMs: number; cause: 'rate-limited' | 'server-error' | 'timeout' | 'network' }
  | { kind: 'refresh-token' }
  | { kind: 'give-up'; status?: number; cause: 'forbidden' | 'unauthorized' | 'rejected' | 'exhausted' };

export interface RetryContext {
  /** 1 for the first retry. */
  attempt: number;
  maxAttempts: number;
  tokenRefreshed: boolean;
  backoff: BackoffPolicy;
  now?: number;
  random?: () => number;
}

/** A reply whose status is not a success: what the retry rules need to know of it. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    /** The raw Retry-After header, if the reply had one. */
    readonly retryAfter?: string,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/**
 * The contract's retry rules in one place: 429 waits for Retry-After; 408, 5xx and network errors
 * back off exponentially with jitter; a 401 refreshes the token once; 403 and other 4xx are final.
 */
export function decideRetry(error: unknown, ctx: RetryContext): RetryDecision {
  const status = error instanceof HttpStatusError ? error.status : undefined;
  if (status === 401)
    return ctx.tokenRefreshed ? { kind: 'give-up', status, cause: 'unauthorized' } : { kind: 'refresh-token' };
  if (status === 403) return { kind: 'give-up', status, cause: 'forbidden' };
  if (status !== undefined && status < 500 && status !== 408 && status !== 429) {
    return { kind: 'give-up', status, cause: 'rejected' };
  }
  if (ctx.attempt >= ctx.maxAttempts) return { kind: 'give-up', status, cause: 'exhausted' };
  const backoff = backoffDelay(ctx.attempt, ctx.backoff, ctx.random);
  if (status === 429) {
    const retryAfter = error instanceof HttpStatusError ? parseRetryAfter(error.retryAfter, ctx.now) : undefined;
    return { kind: 'retry', delayMs: retryAfter ?? backoff, cause: 'rate-limited' };
  }
  if (status !== undefined)
    return { kind: 'retry', delayMs: backoff, cause: status === 408 ? 'timeout' : 'server-error' };
  if (error instanceof HttpTransportError && error.kind === 'too-large') {
    return { kind: 'give-up', cause: 'rejected' };
  }
  const timedOut = error instanceof HttpTransportError && error.kind === 'timeout';
  return { kind: 'retry', delayMs: backoff, cause: timedOut ? 'timeout' : 'network' };
}
