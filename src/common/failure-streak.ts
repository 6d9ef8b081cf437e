import type { Logger } from '@nestjs/common';

export interface FailureStreakOptions {
  /** The failure that turns warnings into one error line (an outage, not a blip). */
  escalateAfter: number;
  /** While the outage lasts, one error line at most this often. */
  repeatEveryMs: number;
}

const DEFAULTS: FailureStreakOptions = { escalateAfter: 3, repeatEveryMs: 30_000 };

/**
 * Consecutive failures of one outside system, told so an operator sees an outage at once and is not
 * flooded by it: the first failures are warnings, the `escalateAfter`-th is an error, then one error
 * line per `repeatEveryMs` with the running count, and one line when it recovers.
 */
export class FailureStreak {
  private failures = 0;
  private startedAt = 0;
  private lastReportAt = 0;
  private suppressed = 0;
  private readonly options: FailureStreakOptions;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'error' | 'log'>,
    options: Partial<FailureStreakOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  get count(): number {
    return this.failures;
  }

  /** One more failure; `message` says what failed and why, never a secret. */
  failed(message: string, now = Date.now()): void {
    if (this.failures === 0) this.startedAt = now;
    this.failures++;
    const { escalateAfter, repeatEveryMs } = this.options;
    if (this.failures < escalateAfter) {
      this.logger.warn(message);
      return;
    }
    if (this.failures > escalateAfter && now - this.lastReportAt < repeatEveryMs) {
      this.suppressed++;
      return;
    }
    const since = new Date(this.startedAt).toISOString();
    const quiet = this.suppressed > 0 ? ` (${this.suppressed} not logged since the last report)` : '';
    this.logger.error(`${message}; ${this.failures} failures in a row since ${since}${quiet}`);
    this.lastReportAt = now;
    this.suppressed = 0;
  }

  /** It works again: one line if there was an outage, and the count starts over. */
  recovered(message: string, now = Date.now()): void {
    if (this.failures === 0) return;
    const seconds = ((now - this.startedAt) / 1000).toFixed(1);
    this.logger.log(`${message} after ${this.failures} failure(s) over ${seconds} s`);
    this.failures = 0;
    this.suppressed = 0;
    this.lastReportAt = 0;
  }
}
