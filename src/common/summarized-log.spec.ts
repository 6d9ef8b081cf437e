import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SummarizedLog } from './summarized-log.js';

describe(SummarizedLog.name, () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('logs the first event of a kind in full and the rest as one summary line per window', () => {
    const logger = { warn: vi.fn() };
    const sut = new SummarizedLog(logger, 10_000);

    for (let i = 0; i < 500; i++) sut.warn('cards dropped late', `Cards for interaction call-${i} dropped`);
    expect(logger.warn).toHaveBeenCalledExactlyOnceWith('Cards for interaction call-0 dropped');

    vi.advanceTimersByTime(10_000);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenLastCalledWith('499 more cards dropped late in the last 10 s (one line per 10 s)');

    sut.warn('cards dropped late', 'Cards for interaction call-900 dropped');
    expect(logger.warn).toHaveBeenLastCalledWith('Cards for interaction call-900 dropped');
  });

  it('keeps kinds apart and says nothing more when a window saw one event', () => {
    const logger = { warn: vi.fn() };
    const sut = new SummarizedLog(logger, 1000);

    sut.warn('a', 'first a');
    sut.warn('b', 'first b');
    sut.warn('b', 'second b');
    vi.advanceTimersByTime(1000);

    expect(logger.warn.mock.calls.map(([line]) => line)).toEqual([
      'first a',
      'first b',
      '1 more b in the last 1 s (one line per 1 s)',
    ]);
  });

  it('flush() tells what is counted at once', () => {
    const logger = { warn: vi.fn() };
    const sut = new SummarizedLog(logger, 10_000);
    sut.warn('a', 'first');
    sut.warn('a', 'second');

    sut.flush();

    expect(logger.warn).toHaveBeenLastCalledWith('1 more a in the last 10 s (one line per 10 s)');
    expect(vi.getTimerCount()).toBe(0);
  });
});
