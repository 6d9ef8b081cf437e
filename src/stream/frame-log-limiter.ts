const REPORT_EVERY_MS = 10_000;

/** A flood of bad frames must not become a flood of log lines: one line per reason per window. */
export class FrameLogLimiter {
  private readonly windows = new Map<string, { lastAt: number; suppressed: number }>();

  maybeLog(reason: string, log: (suppressed: number) => void, now = Date.now()): void {
    const window = this.windows.get(reason);
    if (window && now - window.lastAt < REPORT_EVERY_MS) {
      window.suppressed++;
      return;
    }
    log(window?.suppressed ?? 0);
    this.windows.set(reason, { lastAt: now, suppressed: 0 });
  }
}
