import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { type Observable, of, Subject, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { CxoneApiErrorCode, CxoneApiException } from '../cxone-api/cxone-api.exception.js';
import type { InsightVerdictEvent } from '../domain/events.js';
import { FeedbackService } from './feedback.service.js';
import { FeedbackDatabase } from './feedback-database.js';
import { FeedbackStore } from './feedback.store.js';
import type { FeedbackSink } from './feedback-sink.js';
import type { TrainingFeedback } from './training-feedback.js';

const config = (storePath: string, maxPending = 1000) =>
  ({
    get: (key: string) => ({ feedback: { storePath, maxPending }, app: { shutdownDrainMs: 2000 } })[key as 'feedback'],
  }) as unknown as ConfigService<AppConfig, true>;

const accepted = (insightId: string): InsightVerdictEvent => ({
  type: 'INSIGHT_ACCEPTED',
  interactionId: 'call-1',
  insightId,
});

const unavailable = () =>
  throwError(() => new CxoneApiException(CxoneApiErrorCode.RetriesExhausted, 'training-feedback', 'HTTP 503'));

describe(FeedbackService.name, () => {
  let directory: string;
  let database: FeedbackDatabase;
  let store: FeedbackStore;
  let send: Mock<(feedback: TrainingFeedback, key: string) => Observable<void>>;
  let counters: Counters;
  let sut: FeedbackService;

  const start = (maxPending = 1000, queues = false) => {
    database = new FeedbackDatabase(config(directory, maxPending));
    store = new FeedbackStore(database);
    counters = new Counters();
    const sink = { send, queues } as unknown as FeedbackSink;
    sut = new FeedbackService(store, sink, counters, config(directory, maxPending));
    sut.onApplicationBootstrap();
  };
  const stop = async () => {
    await sut.onApplicationShutdown();
    database.close();
  };

  beforeEach(() => {
    vi.useFakeTimers();
    directory = mkdtempSync(join(tmpdir(), 'feedback-service-'));
    send = vi.fn(() => of(undefined));
  });

  afterEach(async () => {
    await stop();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('delivers a verdict with its action, timestamp and a stable idempotency key, then forgets it', async () => {
    start();
    sut.record(accepted('kb-1'));
    sut.record({ type: 'INSIGHT_REJECTED', interactionId: 'call-1', insightId: 'kb-2' });
    await vi.advanceTimersByTimeAsync(0);
    const calls = send.mock.calls;
    expect(calls.map(([feedback]) => [feedback.insightId, feedback.action])).toEqual([
      ['kb-1', 'ACCEPTED'],
      ['kb-2', 'REJECTED'],
    ]);
    expect(calls[0][1]).toMatch(/^[0-9a-f]{32}$/);
    expect(calls[0][1]).not.toBe(calls[1][1]);
    expect(Number.isNaN(Date.parse(calls[0][0].timestamp))).toBe(false);
    expect(sut.stats()).toMatchObject({ pending: 0, deadLetters: 0 });
  });

  it('counts a verdict handed to a queue (cluster mode) as queued, not as delivered', async () => {
    start(1000, true);
    sut.record(accepted('kb-1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(send).toHaveBeenCalledTimes(1);
    expect(counters.get('feedback_queued')).toBe(1);
    expect(counters.get('feedback_delivered')).toBe(0);
    expect(sut.stats().pending).toBe(0);
  });

  it('says when the cluster queue holds a stored verdict, and gives up waiting after the bound', async () => {
    const taken = new Subject<void>();
    send.mockImplementationOnce(() => taken).mockImplementation(unavailable);
    start(1000, true);
    sut.record(accepted('kb-1'));
    let first: boolean | undefined;
    void sut.handedOff(accepted('kb-1'), 2000).then((held) => (first = held));
    await vi.advanceTimersByTimeAsync(1000);
    expect(first).toBeUndefined();
    taken.complete();
    await vi.advanceTimersByTimeAsync(0);
    expect(first).toBe(true);

    sut.record(accepted('kb-2'));
    const second = sut.handedOff(accepted('kb-2'), 2000);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(second).resolves.toBe(false);
    expect(sut.stats().pending).toBe(1);
  });

  it('does not hold a verdict back in single-pod mode: the store is its durable place', async () => {
    const delivering = new Subject<void>();
    send.mockImplementation(() => delivering);
    start();
    sut.record(accepted('kb-1'));
    await expect(sut.handedOff(accepted('kb-1'), 2000)).resolves.toBe(true);
    expect(sut.stats().pending).toBe(1); // still on its way to CXone
    delivering.complete();
  });

  it('stores the same verdict once, even after it was delivered', async () => {
    start();
    sut.record(accepted('kb-1'));
    await vi.advanceTimersByTimeAsync(0);
    sut.record(accepted('kb-1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(send).toHaveBeenCalledTimes(1);
    expect(counters.get('feedback_duplicates')).toBe(1);
  });

  it('keeps a verdict while the endpoint is down and delivers it when it is back, with backoff', async () => {
    send.mockImplementation(unavailable);
    start();
    sut.record(accepted('kb-1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(send).toHaveBeenCalledTimes(1);
    expect(sut.stats().pending).toBe(1);
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    const roundsInAnHour = send.mock.calls.length;
    expect(roundsInAnHour).toBeGreaterThan(5);
    expect(roundsInAnHour).toBeLessThan(40); // backed off up to 5 minutes, not hammering
    send.mockImplementation(() => of(undefined));
    await vi.advanceTimersByTimeAsync(5 * 60 * 1000);
    expect(sut.stats().pending).toBe(0);
    expect(send.mock.calls.map(([, key]) => key).every((key, _, keys) => key === keys[0])).toBe(true);
  });

  it('delivers after a restart what was pending before it (kill -9 loses nothing)', async () => {
    send.mockImplementation(unavailable);
    start();
    sut.record(accepted('kb-1'));
    sut.record(accepted('kb-2'));
    await vi.advanceTimersByTimeAsync(0);
    // The process dies: no shutdown hook runs, its timers die with it.
    database.close();
    vi.clearAllTimers();
    send.mockClear();
    send.mockImplementation(() => of(undefined));
    start();
    await vi.advanceTimersByTimeAsync(0);
    expect(send.mock.calls.map(([feedback]) => feedback.insightId).sort()).toEqual(['kb-1', 'kb-2']);
    expect(sut.stats().pending).toBe(0);
  });

  it('waits at least the Retry-After of a final 429 before the next delivery round', async () => {
    send.mockImplementation(() =>
      throwError(
        () => new CxoneApiException(CxoneApiErrorCode.RetriesExhausted, 'training-feedback', 'HTTP 429', 429, 90_000),
      ),
    );
    start();
    sut.record(accepted('kb-1'));
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(89_999);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('moves a permanent refusal to the dead letters, logged, and stops retrying it', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    send.mockImplementation(() =>
      throwError(() => new CxoneApiException(CxoneApiErrorCode.Rejected, 'training-feedback', 'HTTP 422', 422)),
    );
    start();
    sut.record(accepted('kb-1'));
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(sut.stats()).toMatchObject({ pending: 0, deadLetters: 1 });
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ msg: expect.stringContaining('dead letters'), interactionId: expect.any(String) }),
    );
  });

  it('refuses a verdict when the backlog is full, with an error log', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    send.mockImplementation(unavailable);
    start(2);
    for (const id of ['kb-1', 'kb-2', 'kb-3']) sut.record(accepted(id));
    await vi.advanceTimersByTimeAsync(0);
    expect(sut.stats().pending).toBe(2);
    expect(counters.get('feedback_refused_backlog_full')).toBe(1);
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({
        msg: expect.stringContaining('kb-3'),
        insightId: 'kb-3',
        interactionId: expect.any(String),
      }),
    );
  });

  it('stops delivering on shutdown and leaves what is pending in the store', async () => {
    send.mockImplementation(unavailable);
    start();
    sut.record(accepted('kb-1'));
    await vi.advanceTimersByTimeAsync(0);
    await sut.onApplicationShutdown();
    send.mockClear();
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(send).not.toHaveBeenCalled();
    expect(store.stats().pending).toBe(1);
  });

  it('says how a failed delivery round ended and when the next one comes, without contradicting itself', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    send.mockImplementation(() =>
      throwError(
        () =>
          new CxoneApiException(
            CxoneApiErrorCode.RetriesExhausted,
            'training-feedback',
            '3 attempts failed (last: HTTP 503)',
            503,
          ),
      ),
    );
    start();
    sut.record(accepted('kb-1'));
    await vi.advanceTimersByTimeAsync(0);

    const line = String((warn.mock.calls[0][0] as { msg: string }).msg);
    expect(line).toMatch(
      /^Training feedback not delivered in delivery round 1 \(training-feedback: 3 attempts failed \(last: HTTP 503\)\); stored, next round in \d+ ms: ACCEPTED on insight kb-1/,
    );
    expect(line).not.toMatch(/gave up|retry 1 in/);
  });
});
