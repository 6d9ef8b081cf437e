import { Observable, type Subscription } from 'rxjs';

/**
 * A shared cap on work in flight across many independent pipes (mergeMap's own limit only works
 * within one pipe). Work waits, in arrival order, until a slot is free.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting = new Set<() => void>();

  constructor(readonly max: number) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /** `source` is subscribed once a slot is free; the slot is freed on complete, error or unsubscribe. */
  run<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let holdsSlot = false;
      const start = () => {
        this.waiting.delete(start);
        holdsSlot = true;
        this.active++;
        inner = source.subscribe(subscriber);
      };
      if (this.active < this.max) start();
      else this.waiting.add(start);
      return () => {
        this.waiting.delete(start);
        if (!holdsSlot) return;
        holdsSlot = false;
        inner?.unsubscribe();
        this.active--;
        this.startNext();
      };
    });
  }

  private startNext(): void {
    if (this.active >= this.max) return;
    const next = this.waiting.values().next();
    if (!next.done) next.value();
  }
}
