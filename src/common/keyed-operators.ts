import { Observable, type OperatorFunction, type Subscription } from 'rxjs';

/**
 * Per-key flow control without a long-lived pipe per key (groupBy keeps one per key until it closes,
 * which thousands of calls that never end turn into hundreds of megabytes). Each operator keeps state
 * only for keys with work in flight and forgets a key the moment its work is done.
 */

/**
 * Like switchMap, but per key: a new value cancels the inner work still running for an older value of
 * the SAME key; other keys are untouched. Completes when the source and all inner work have.
 */
export function supersedePerKey<T, R>(
  keyOf: (value: T) => string,
  project: (value: T) => Observable<R>,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const running = new Map<string, Subscription>();
      let sourceDone = false;
      const completeIfIdle = () => {
        if (sourceDone && running.size === 0) subscriber.complete();
      };
      const sourceSubscription = source.subscribe({
        next: (value) => {
          const key = keyOf(value);
          running.get(key)?.unsubscribe();
          running.delete(key);
          let inner: Subscription | undefined = undefined;
          let finishedEarly = false;
          inner = project(value).subscribe({
            next: (result) => subscriber.next(result),
            error: (error: unknown) => subscriber.error(error),
            complete: () => {
              if (inner === undefined) finishedEarly = true;
              else if (running.get(key) === inner) running.delete(key);
              completeIfIdle();
            },
          });
          if (!finishedEarly && !inner.closed) running.set(key, inner);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          completeIfIdle();
        },
      });
      return () => {
        sourceSubscription.unsubscribe();
        for (const inner of running.values()) inner.unsubscribe();
        running.clear();
      };
    });
}

interface Lane<T> {
  current?: Subscription;
  waiting: T[];
}

/**
 * Like concatMap, but per key: the inner work of one key runs one at a time, in arrival order, while
 * keys run independently of each other. Completes when the source and all inner work have.
 */
export function inOrderPerKey<T, R>(
  keyOf: (value: T) => string,
  project: (value: T) => Observable<R>,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const lanes = new Map<string, Lane<T>>();
      let sourceDone = false;
      const completeIfIdle = () => {
        if (sourceDone && lanes.size === 0) subscriber.complete();
      };
      const runNext = (key: string, lane: Lane<T>): void => {
        while (!subscriber.closed) {
          const value = lane.waiting.shift();
          if (value === undefined) {
            lanes.delete(key);
            completeIfIdle();
            return;
          }
          let finishedSynchronously = false;
          let inner: Subscription | undefined = undefined;
          inner = project(value).subscribe({
            next: (result) => subscriber.next(result),
            error: (error: unknown) => subscriber.error(error),
            complete: () => {
              if (inner === undefined) {
                finishedSynchronously = true;
                return;
              }
              lane.current = undefined;
              runNext(key, lane);
            },
          });
          if (!finishedSynchronously) {
            lane.current = inner;
            return;
          }
        }
      };
      const sourceSubscription = source.subscribe({
        next: (value) => {
          const key = keyOf(value);
          const lane = lanes.get(key);
          if (lane) {
            lane.waiting.push(value);
            return;
          }
          const fresh: Lane<T> = { waiting: [value] };
          lanes.set(key, fresh);
          runNext(key, fresh);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          completeIfIdle();
        },
      });
      return () => {
        sourceSubscription.unsubscribe();
        for (const lane of lanes.values()) lane.current?.unsubscribe();
        lanes.clear();
      };
    });
}
