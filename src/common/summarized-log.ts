import type { Logger } from '@nestjs/common';

const DEFAULT_WINDOW_MS = 10_000;

interface Window {
  suppressed: number;
  timer?: NodeJS.Timeout;
}

/**
 * A flood of one kind of event must not become a flood of log lines (writing them would slow the very
 * service that is overloaded): the first of each kind in a window is logged in full, the rest are
 * counted and told as one summary line when the window closes.
 */
export class SummarizedLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly windowMs = DEFAULT_WINDOW_MS,
  ) {}

  /** `kind` names the event in the summary ("cards dropped late"); `line` is what the first one logs. */
  warn(kind: string, line: string | Record<string, unknown>): void {
    const open = this.windows.get(kind);
    if (open) {
      open.suppressed++;
      return;
    }
    this.logger.warn(line);
    const window: Window = { suppressed: 0 };
    window.timer = setTimeout(() => this.close(kind, window), this.windowMs);
    window.timer.unref();
    this.windows.set(kind, window);
  }

  /** Tells what is still counted (shutdown). */
  flush(): void {
    for (const [kind, window] of [...this.windows]) {
      clearTimeout(window.timer);
      this.close(kind, window);
    }
  }

  private close(kind: string, window: Window): void {
    this.windows.delete(kind);
    if (window.suppressed === 0) return;
    const seconds = Math.round(this.windowMs / 1000);
    this.logger.warn(`${window.suppressed} more ${kind} in the last ${seconds} s (one line per ${seconds} s)`);
  }
}
