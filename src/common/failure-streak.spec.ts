import { describe, expect, it, vi } from 'vitest';
import { FailureStreak } from './failure-streak.js';

describe(FailureStreak.name, () => {
  const logger = () => ({ warn: vi.fn(), error: vi.fn(), log: vi.fn() });

  it('warns for the first failures, then reports one error line naming the count', () => {
    const log = logger();
    const sut = new FailureStreak(log, { escalateAfter: 3 });

    sut.failed('token endpoint auth.example.com unavailable (HTTP 503)', 0);
    sut.failed('token endpoint auth.example.com unavailable (HTTP 503)', 500);
    sut.failed('token endpoint auth.example.com unavailable (HTTP 503)', 1000);

    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.error).toHaveBeenCalledExactlyOnceWith(
      'token endpoint auth.example.com unavailable (HTTP 503); 3 failures in a row since 1970-01-01T00:00:00.000Z',
    );
  });

  it('keeps an outage to one error line per window, counting what it did not log', () => {
    const log = logger();
    const sut = new FailureStreak(log, { escalateAfter: 1, repeatEveryMs: 30_000 });

    for (let at = 0; at <= 60_000; at += 1000) sut.failed('down', at);

    expect(log.error).toHaveBeenCalledTimes(3);
    expect(log.error.mock.calls[1][0]).toBe(
      'down; 31 failures in a row since 1970-01-01T00:00:00.000Z (29 not logged since the last report)',
    );
  });

  it('says once that it recovered, and starts counting afresh', () => {
    const log = logger();
    const sut = new FailureStreak(log, { escalateAfter: 2 });
    sut.recovered('Access token obtained', 0);
    expect(log.log).not.toHaveBeenCalled();

    sut.failed('down', 1000);
    sut.failed('down', 2000);
    sut.recovered('Access token obtained', 3500);
    sut.failed('down', 4000);

    expect(log.log).toHaveBeenCalledExactlyOnceWith('Access token obtained after 2 failure(s) over 2.5 s');
    expect(sut.count).toBe(1);
    expect(log.warn).toHaveBeenCalledTimes(2);
  });
});
