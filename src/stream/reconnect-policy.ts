import { backoffDelay } from '../common/backoff.js';

/** How one connection attempt ended. */
export type AttemptOutcome =
  /** The socket opened, then closed (drop, server close, dead peer) after `openForMs`. */
  | { kind: 'closed-after-open'; openForMs: number }
  /** The upgrade was refused with 401: the token was stale. */
  | { kind: 'handshake-unauthorized' }
  /** No socket at all: refused upgrade, network error, handshake timeout. */
  | { kind: 'connect-failed' };

export interface ReconnectTiming {
  /** Cap of the backoff after failed attempts (STREAM_RECONNECT_MAX_MS). */
  maxMs: number;
  random?: () => number;
}

/** A healthy connection that drops is retried at once: 50–150 ms, jittered so replicas do not stampede. */
const QUICK_RETRY_MS = 100;
/** A connection that dies sooner than this after opening proves nothing: it counts as a failed attempt. */
export const SHORT_LIVED_MS = 1000;
const FIRST_FAILURE_RETRY_MS = 100;
const FAILURE_BACKOFF_INITIAL_MS = 500;

/**
 * When to try the stream again, and only that. A connection that was up and then dropped is retried
 * within 150 ms, whatever happened before; a 401 at the handshake gets one immediate retry with a fresh
 * token; only attempts that never got a working socket (or kept dying within a second) back off,
 * exponentially with jitter up to the cap. Faults arriving back to back therefore never add up into a
 * long silence once the tenant is healthy again.
 */
export class ReconnectPolicy {
  private failures = 0;
  private freshTokenRetryUsed = false;
  private readonly random: () => number;

  constructor(private readonly timing: ReconnectTiming) {
    this.random = timing.random ?? (() => Math.random());
  }

  /** Attempts in a row that failed; 0 after a connection that held. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** The delay before the next attempt, in ms. */
  next(outcome: AttemptOutcome): number {
    switch (outcome.kind) {
      case 'closed-after-open':
        this.freshTokenRetryUsed = false;
        if (outcome.openForMs >= SHORT_LIVED_MS) {
          this.failures = 0;
          return Math.round(QUICK_RETRY_MS / 2 + this.random() * QUICK_RETRY_MS);
        }
        return this.failed();
      case 'handshake-unauthorized':
        if (!this.freshTokenRetryUsed) {
          this.freshTokenRetryUsed = true;
          return 0;
        }
        return this.failed();
      case 'connect-failed':
        return this.failed();
    }
  }

  private failed(): number {
    this.failures++;
    if (this.failures === 1) return Math.min(FIRST_FAILURE_RETRY_MS, this.timing.maxMs);
    return backoffDelay(
      this.failures - 1,
      { initialMs: FAILURE_BACKOFF_INITIAL_MS, maxMs: this.timing.maxMs },
      this.random,
    );
  }
}
