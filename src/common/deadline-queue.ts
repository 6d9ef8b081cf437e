import { Observable, type Subscription } from 'rxjs';

/** Why queued work was dropped before it started. */
export type ShedCause = 'deadline' | 'queue-full';

export interface DeadlineQueueOptions {
  /** Work running at once, across every caller. */
  maxInFlight: number;
  /** Work waiting at most; beyond it new work is shed at once. */
  maxQueued: number;
  now?: () => number;
}

interface Waiter {
  deadlineAt: number;
  start(): void;
  shed(cause: ShedCause): void;
}

/** Weight of the newest sample in the running average of how long work holds a slot. */
const SMOOTHING = 0.2;

/**
 * A shared cap on work in flight with a bounded waiting line that never holds work it cannot finish in
 * time. Each piece of work has a deadline; it is shed instead of queued when the line is full or when the
 * wait the line predicts (slot time so far × rounds ahead) already runs past the deadline, and shed
 * instead of started when its deadline is too close once a slot frees. Under a flood the line stays
 * short and cheap, and what it holds still helps.
 */
export class DeadlineQueue {
  private active = 0;
  private readonly waiting = new Set<Waiter>();
  private averageSlotMs = 0;
  private readonly now: () => number;

  constructor(private readonly options: DeadlineQueueOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /** How long, on average, work has held a slot (ms); 0 before any finished. */
  get averageMs(): number {
    return this.averageSlotMs;
  }

  /**
   * `source` is subscribed once a slot is free and if it can still meet `deadlineAt`; otherwise
   * `onShed` is told why and the returned observable completes empty. The slot is freed on complete,
   * error or unsubscribe.
   */
  run<T>(source: Observable<T>, deadlineAt: number, onShed: (cause: ShedCause) => void): Observable<T> {
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let startedAt: number | undefined;
      const waiter: Waiter = {
        deadlineAt,
        start: () => {
          this.waiting.delete(waiter);
          startedAt = this.now();
          this.active++;
          inner = source.subscribe(subscriber);
        },
        shed: (cause) => {
          this.waiting.delete(waiter);
          onShed(cause);
          subscriber.complete();
        },
      };
      if (this.active < this.options.maxInFlight) waiter.start();
      else if (this.waiting.size >= this.options.maxQueued) waiter.shed('queue-full');
      else if (this.predictedFinish(this.waiting.size + 1) > deadlineAt) waiter.shed('deadline');
      else this.waiting.add(waiter);
      return () => {
        this.waiting.delete(waiter);
        if (startedAt === undefined) return;
        const heldMs = this.now() - startedAt;
        startedAt = undefined;
        inner?.unsubscribe();
        this.active--;
        this.averageSlotMs =
          this.averageSlotMs === 0 ? heldMs : this.averageSlotMs + SMOOTHING * (heldMs - this.averageSlotMs);
        this.startNext();
      };
    });
  }

  /** When work that is `position`-th in line would finish, if slots keep turning over as they have. */
  private predictedFinish(position: number): number {
    const rounds = Math.ceil(position / this.options.maxInFlight) + 1;
    return this.now() + rounds * this.averageSlotMs;
  }

  private startNext(): void {
    while (this.active < this.options.maxInFlight) {
      const next = this.waiting.values().next();
      if (next.done) return;
      const waiter = next.value;
      if (this.now() + this.averageSlotMs > waiter.deadlineAt) waiter.shed('deadline');
      else waiter.start();
    }
  }
}
