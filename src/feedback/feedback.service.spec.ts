import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { type Observable, of, Subject, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { InsightVerdictEvent } from '../stream/stream-events.js';
import { FeedbackService } from './feedback.service.js';
import type { TrainingAdapter } from './training.adapter.js';
import type { TrainingFeedback } from './training-feedback.js';

const NOW = Date.parse('2026-11-24T10:00:00.000Z');

const accepted = (insightId = 'kb-1', interactionId = 'i-1'): InsightVerdictEvent => ({
  type: 'INSIGHT_ACCEPTED',
  interactionId,
  insightId,
});
const rejected = (insightId = 'kb-1', interactionId = 'i-1'): InsightVerdictEvent => ({
  type: 'INSIGHT_REJECTED',
  interactionId,
  insightId,
});

describe(FeedbackService.name, () => {
  let sut: FeedbackService;
  let send: Mock<(feedback: TrainingFeedback, key: string) => Observable<void>>;
  let counters: Counters;
  let errorLog: Mock;

  function create(maxPending = 100): FeedbackService {
    const config = {
      get: (key: string) => ({ feedback: { storePath: './data', maxPending } })[key as 'feedback'],
    } as unknown as ConfigService<AppConfig, true>;
    return new FeedbackService({ send } as unknown as TrainingAdapter, counters, config);
  }

  /** Delivers and reports whether the returned observable completed (it never errors). */
  function deliver(verdict: InsightVerdictEvent) {
    const outcome = { completed: false, error: undefined as unknown };
    sut.deliver(verdict).subscribe({
      complete: () => (outcome.completed = true),
      error: (error: unknown) => (outcome.error = error),
    });
    return outcome;
  }

  const keys = () => send.mock.calls.map(([, key]) => key);

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    send = vi.fn(() => of(undefined));
    counters = new Counters();
    errorLog = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined) as unknown as Mock;
    sut = create();
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('maps an accepted verdict to ACCEPTED training feedback', () => {
    expect(deliver(accepted('kb-7', 'i-9'))).toEqual({ completed: true, error: undefined });
    expect(send).toHaveBeenCalledExactlyOnceWith(
      { interactionId: 'i-9', insightId: 'kb-7', action: 'ACCEPTED', timestamp: '2026-11-24T10:00:00.000Z' },
      expect.stringMatching(/^[0-9a-f]{32}$/),
    );
    expect(counters.get('feedback_delivered')).toBe(1);
  });

  it('maps a rejected verdict to REJECTED, whatever its optional action says', () => {
    deliver({ ...rejected('kb-7'), action: 'ACCEPTED' });
    expect(send.mock.calls[0][0]).toMatchObject({ insightId: 'kb-7', action: 'REJECTED' });
  });

  it('uses a stable 32-hex idempotency key per verdict', () => {
    deliver(accepted('kb-1'));
    vi.advanceTimersByTime(60_000);
    deliver(accepted('kb-1'));
    deliver(accepted('kb-2'));
    deliver(rejected('kb-1'));
    deliver(accepted('kb-1', 'i-2'));

    const [first, again, otherInsight, otherAction, otherInteraction] = keys();
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(again).toBe(first);
    expect(new Set([first, otherInsight, otherAction, otherInteraction]).size).toBe(4);
  });

  it('ignores and counts a duplicate verdict while the first is still in delivery', () => {
    const inDelivery = new Subject<void>();
    send.mockReturnValueOnce(inDelivery);
    deliver(accepted());
    const duplicate = deliver(accepted());

    expect(send).toHaveBeenCalledTimes(1);
    expect(duplicate.completed).toBe(true);
    expect(counters.get('feedback_duplicates')).toBe(1);
    expect(sut.pendingCount).toBe(1);

    inDelivery.next();
    inDelivery.complete();
    deliver(accepted()); // delivered already: a new verdict, not a duplicate in delivery
    expect(send).toHaveBeenCalledTimes(2);
    expect(counters.get('feedback_duplicates')).toBe(1);
  });

  it('refuses a verdict beyond maxPending, logs it at error level and counts it', () => {
    sut = create(2);
    send.mockImplementation(() => new Subject<void>());
    deliver(accepted('kb-1'));
    deliver(accepted('kb-2'));
    const refused = deliver(accepted('kb-3'));

    expect(send).toHaveBeenCalledTimes(2);
    expect(refused.completed).toBe(true);
    expect(sut.pendingCount).toBe(2);
    expect(counters.get('feedback_dropped_overflow')).toBe(1);
    expect(errorLog).toHaveBeenCalledTimes(1);
    expect(String(errorLog.mock.calls[0][0])).toMatch(/NOT delivered.*kb-3/);
  });

  it('logs a final delivery failure at error level, counts it and completes quietly', () => {
    send.mockReturnValue(throwError(() => new Error('gave up after retries (HTTP 503)')));
    const outcome = deliver(rejected('kb-5'));

    expect(outcome).toEqual({ completed: true, error: undefined });
    expect(counters.get('feedback_undelivered')).toBe(1);
    expect(counters.get('feedback_delivered')).toBe(0);
    expect(errorLog).toHaveBeenCalledTimes(1);
    expect(String(errorLog.mock.calls[0][0])).toMatch(/NOT delivered.*kb-5.*HTTP 503/);
  });

  it('counts a verdict as pending only while it is in delivery', () => {
    const ok = new Subject<void>();
    const failing = new Subject<void>();
    send.mockReturnValueOnce(ok).mockReturnValueOnce(failing);
    expect(sut.pendingCount).toBe(0);
    deliver(accepted('kb-1'));
    deliver(accepted('kb-2'));
    expect(sut.pendingCount).toBe(2);

    ok.next();
    ok.complete();
    expect(sut.pendingCount).toBe(1);
    failing.error(new Error('boom'));
    expect(sut.pendingCount).toBe(0);

    // Freed slots are usable again, even at the smallest backlog.
    sut = create(1);
    send.mockReturnValue(throwError(() => new Error('boom')));
    deliver(accepted('kb-3'));
    send.mockReturnValue(of(undefined));
    deliver(accepted('kb-4'));
    expect(send).toHaveBeenCalledTimes(4);
    expect(counters.get('feedback_dropped_overflow')).toBe(0);
  });

  it('does nothing until subscribed', () => {
    const delivery = sut.deliver(accepted());
    expect(send).not.toHaveBeenCalled();
    expect(sut.pendingCount).toBe(0);
    delivery.subscribe();
    expect(send).toHaveBeenCalledTimes(1);
  });
});
