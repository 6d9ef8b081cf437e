import { type MonoTypeOperatorFunction, Observable } from 'rxjs';

export interface TimeSlicedQueueOptions {
  /** Longest stretch of handling in one turn of the event loop, in ms. */
  sliceMs: number;
  /** Items waiting before the source is told to pause (a socket: TCP then pushes back on the sender). */
  maxQueued: number;
}

export interface FlowControl {
  pause(): void;
  resume(): void;
}

const CLOCK_CHECK_EVERY = 16;

/**
 * Work handed over in bursts is done in slices of at most `sliceMs` per turn of the event loop, in
 * arrival order. One socket read can carry thousands of stream frames, and a thousand silence timers can
 * come due in the same millisecond: done in one go, a flood would keep health probes, timers and card
 * pushes waiting for as long as it lasts. Between slices the loop serves everything else. With a flow
 * control attached, the line is bounded: when it is full the source is paused (a socket: the sender slows
 * down instead of the service buffering without end), and resumed once half of it is done.
 */
export class TimeSlicedQueue<T> {
  private queue: (T | undefined)[] = [];
  private head = 0;
  private scheduled?: NodeJS.Immediate;
  /** While set, the current turn of the event loop has handled items inline and may until then. */
  private inlineUntil?: number;
  private inlineReset?: NodeJS.Immediate;
  private flow?: FlowControl;
  private paused = false;

  constructor(
    private readonly handle: (item: T) => void,
    private readonly options: TimeSlicedQueueOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  /** The source items now come from; pausing always applies to the current one. */
  attach(flow: FlowControl | undefined): void {
    if (this.paused) this.flow?.resume();
    this.paused = false;
    this.flow = flow;
  }

  /**
   * Handles `item` at once while this turn of the event loop has budget left and nothing waits (the
   * common case: no delay at all); otherwise queues it for the next slice.
   */
  push(item: T): void {
    if (this.size === 0) {
      const now = this.clock();
      if (this.inlineUntil === undefined) {
        this.inlineUntil = now + this.options.sliceMs;
        this.inlineReset = setImmediate(this.endInlineSlice);
      }
      if (now < this.inlineUntil) {
        this.handle(item);
        return;
      }
    }
    this.queue.push(item);
    if (!this.paused && this.size >= this.options.maxQueued) {
      this.paused = true;
      this.flow?.pause();
    }
    this.scheduled ??= setImmediate(this.drain);
  }

  private readonly endInlineSlice = (): void => {
    this.inlineUntil = undefined;
    this.inlineReset = undefined;
  };

  /** Handles everything that waits, now, whatever it costs (shutdown). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const waiting = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    for (const item of waiting) this.handle(item as T);
  }

  /** Drops what waits and stops draining. */
  clear(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.inlineReset) clearImmediate(this.inlineReset);
    this.endInlineSlice();
    this.queue = [];
    this.head = 0;
  }

  private readonly drain = (): void => {
    this.scheduled = undefined;
    const endsAt = this.clock() + this.options.sliceMs;
    let handled = 0;
    while (this.head < this.queue.length) {
      const item = this.queue[this.head] as T;
      this.queue[this.head++] = undefined;
      this.handle(item);
      if (++handled % CLOCK_CHECK_EVERY === 0 && this.clock() >= endsAt) break;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else {
      if (this.head > 1024) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.scheduled = setImmediate(this.drain);
    }
    if (this.paused && this.size < this.options.maxQueued / 2) {
      this.paused = false;
      this.flow?.resume();
    }
  };
}

/**
 * Hands every notification of the source over through `queue`: in order, at once while the current turn
 * of the event loop has budget left, else in a later slice. Put after a step whose results arrive in
 * bursts (dozens of replies read in one go) to keep the work that follows them in slices.
 */
export function inTimeSlices<T>(queue: TimeSlicedQueue<() => void>): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next: (value) => queue.push(() => subscriber.closed || subscriber.next(value)),
        error: (error: unknown) => queue.push(() => subscriber.error(error)),
        complete: () => queue.push(() => subscriber.complete()),
      }),
    );
}
