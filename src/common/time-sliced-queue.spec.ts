import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Subject } from 'rxjs';
import { inTimeSlices, TimeSlicedQueue } from './time-sliced-queue.js';

describe(TimeSlicedQueue.name, () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate'] }));
  afterEach(() => vi.useRealTimers());

  /** Each handled frame costs 1 ms of the fake clock. */
  function create(sliceMs = 4, maxQueued = 100) {
    let clock = 0;
    const handled: number[] = [];
    const sut = new TimeSlicedQueue<number>(
      (frame) => {
        handled.push(frame);
        clock += 1;
      },
      { sliceMs, maxQueued },
      () => clock,
    );
    return { sut, handled };
  }

  it('handles items at once while the turn has budget left, then queues them for later turns', () => {
    const { sut, handled } = create(4);
    for (let i = 0; i < 10; i++) sut.push(i);
    expect(handled).toEqual([0, 1, 2, 3]); // each costs 1 ms: the 4 ms of this turn are used up
    expect(sut.size).toBe(6);

    vi.runAllTimers();

    expect(handled).toEqual([...Array(10).keys()]);
    expect(sut.size).toBe(0);
  });

  it('gives every turn of the event loop a fresh budget for items handled at once', () => {
    const { sut, handled } = create(4);
    for (let i = 0; i < 4; i++) sut.push(i);
    vi.runAllTimers();

    sut.push(4);
    expect(handled).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops a slice once its time is used up and goes on in the next turn', () => {
    const { sut, handled } = create(20);
    for (let i = 0; i < 70; i++) sut.push(i);
    expect(handled).toHaveLength(20);

    vi.runOnlyPendingTimers(); // the next turn: one slice
    expect(handled).toHaveLength(20 + 32); // the clock is read every 16 items: the first check past 20 ms
    vi.runAllTimers();
    expect(handled).toEqual([...Array(70).keys()]);
  });

  it('pauses the source when the line is full and resumes it once half of it is handled', () => {
    const { sut } = create(0, 10);
    const flow = { pause: vi.fn(), resume: vi.fn() };
    sut.attach(flow);

    for (let i = 0; i < 9; i++) sut.push(i);
    expect(flow.pause).not.toHaveBeenCalled();
    sut.push(9);
    sut.push(10);
    expect(flow.pause).toHaveBeenCalledTimes(1);

    vi.runAllTimers();
    expect(flow.resume).toHaveBeenCalledTimes(1);
  });

  it('resumes the old source when a new one is attached while paused', () => {
    const { sut } = create(0, 2);
    const old = { pause: vi.fn(), resume: vi.fn() };
    sut.attach(old);
    sut.push(1);
    sut.push(2);

    const next = { pause: vi.fn(), resume: vi.fn() };
    sut.attach(next);

    expect(old.resume).toHaveBeenCalledTimes(1);
    vi.runAllTimers();
    expect(next.resume).not.toHaveBeenCalled();
  });

  it('flush() handles everything that waits at once', () => {
    const { sut, handled } = create(0);
    for (let i = 0; i < 40; i++) sut.push(i);
    sut.flush();
    expect(handled).toHaveLength(40);
    vi.runAllTimers();
    expect(handled).toHaveLength(40);
  });

  it('clear() drops what waits and handles nothing more', () => {
    const { sut, handled } = create(0);
    sut.push(1);
    sut.clear();
    vi.runAllTimers();
    expect(handled).toEqual([]);
  });

  it('inTimeSlices hands values, then completion, over in order, a slice at a time', () => {
    let clock = 0;
    const queue = new TimeSlicedQueue<() => void>(
      (task) => {
        task();
        clock += 1;
      },
      { sliceMs: 2, maxQueued: 100 },
      () => clock,
    );
    const source = new Subject<number>();
    const seen: string[] = [];
    source
      .pipe(inTimeSlices(queue))
      .subscribe({ next: (v) => seen.push(String(v)), complete: () => seen.push('done') });

    for (let i = 0; i < 5; i++) source.next(i);
    source.complete();
    expect(seen).toEqual(['0', '1']);

    vi.runAllTimers();
    expect(seen).toEqual(['0', '1', '2', '3', '4', 'done']);
  });

  it('inTimeSlices drops what is still queued once the subscriber has gone', () => {
    const queue = new TimeSlicedQueue<() => void>((task) => task(), { sliceMs: 0, maxQueued: 100 });
    const source = new Subject<number>();
    const seen: number[] = [];
    const subscription = source.pipe(inTimeSlices(queue)).subscribe((v) => seen.push(v));
    source.next(1);
    subscription.unsubscribe();
    vi.runAllTimers();
    expect(seen).toEqual([]);
  });
});
