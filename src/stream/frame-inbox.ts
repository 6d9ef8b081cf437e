export interface FrameInboxOptions {
  /** Longest stretch of frame handling in one turn of the event loop, in ms. */
  sliceMs: number;
  /** Frames waiting at most; beyond it the source is paused (TCP pushes back on the sender). */
  maxQueued: number;
}

export interface FlowControl {
  pause(): void;
  resume(): void;
}

const CLOCK_CHECK_EVERY = 16;

/**
 * Frames are handled in slices of at most `sliceMs` per turn of the event loop. One socket read can
 * carry thousands of frames, and `ws` hands them over back to back: handled in one go, a flood would
 * keep health probes, timers and card pushes waiting for as long as it lasts. Between slices the loop
 * serves everything else. The line is bounded: when it is full the socket is paused, so the sender
 * slows down instead of the service buffering without end.
 */
export class FrameInbox<T> {
  private queue: (T | undefined)[] = [];
  private head = 0;
  private scheduled?: NodeJS.Immediate;
  private flow?: FlowControl;
  private paused = false;

  constructor(
    private readonly handle: (frame: T) => void,
    private readonly options: FrameInboxOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  /** The socket frames now come from; pausing always applies to the current one. */
  attach(flow: FlowControl | undefined): void {
    if (this.paused) this.flow?.resume();
    this.paused = false;
    this.flow = flow;
  }

  push(frame: T): void {
    this.queue.push(frame);
    if (!this.paused && this.size >= this.options.maxQueued) {
      this.paused = true;
      this.flow?.pause();
    }
    this.scheduled ??= setImmediate(this.drain);
  }

  /** Handles everything that waits, now, whatever it costs (shutdown). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const waiting = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    for (const frame of waiting) this.handle(frame as T);
  }

  /** Drops what waits and stops draining. */
  clear(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.queue = [];
    this.head = 0;
  }

  private readonly drain = (): void => {
    this.scheduled = undefined;
    const endsAt = this.clock() + this.options.sliceMs;
    let handled = 0;
    while (this.head < this.queue.length) {
      const frame = this.queue[this.head] as T;
      this.queue[this.head++] = undefined;
      this.handle(frame);
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
