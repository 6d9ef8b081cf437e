import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameInbox } from './frame-inbox.js';

describe(FrameInbox.name, () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate'] }));
  afterEach(() => vi.useRealTimers());

  /** Each handled frame costs 1 ms of the fake clock. */
  function create(sliceMs = 4, maxQueued = 100) {
    let clock = 0;
    const handled: number[] = [];
    const sut = new FrameInbox<number>(
      (frame) => {
        handled.push(frame);
        clock += 1;
      },
      { sliceMs, maxQueued },
      () => clock,
    );
    return { sut, handled };
  }

  it('hands frames over in arrival order, on the next turn of the event loop', () => {
    const { sut, handled } = create();
    for (let i = 0; i < 5; i++) sut.push(i);
    expect(handled).toEqual([]);

    vi.runAllTimers();

    expect(handled).toEqual([0, 1, 2, 3, 4]);
    expect(sut.size).toBe(0);
  });

  it('stops a slice once its time is used up and goes on in the next turn', () => {
    const { sut, handled } = create(20);
    for (let i = 0; i < 50; i++) sut.push(i);

    vi.advanceTimersToNextTimer();
    expect(handled).toHaveLength(32); // the clock is read every 16 frames: the first check past 20 ms
    vi.advanceTimersToNextTimer();
    expect(handled).toHaveLength(50);
    expect(handled).toEqual([...Array(50).keys()]);
  });

  it('pauses the source when the line is full and resumes it once half of it is handled', () => {
    const { sut } = create(1000, 10);
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
    const { sut } = create(1000, 2);
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
    const { sut, handled } = create(1);
    for (let i = 0; i < 40; i++) sut.push(i);
    sut.flush();
    expect(handled).toHaveLength(40);
    vi.runAllTimers();
    expect(handled).toHaveLength(40);
  });

  it('clear() drops what waits and handles nothing more', () => {
    const { sut, handled } = create();
    sut.push(1);
    sut.clear();
    vi.runAllTimers();
    expect(handled).toEqual([]);
  });
});
