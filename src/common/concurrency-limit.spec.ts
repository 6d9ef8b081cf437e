import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from './concurrency-limit.js';

describe(ConcurrencyLimit.name, () => {
  it('runs at most `max` sources at once and starts the next in arrival order when one completes', () => {
    const sut = new ConcurrencyLimit(2);
    const sources = [0, 1, 2, 3].map(() => new Subject<number>());
    const started: number[] = [];
    const errors: unknown[] = [];
    sources.forEach((source, index) => {
      sut.run(source).subscribe({ error: (error) => errors.push(error) });
      if (sut.inFlight > started.length) started.push(index);
    });
    expect(sut.inFlight).toBe(2);
    expect(sut.queued).toBe(2);
    expect(sources.map((s) => s.observed)).toEqual([true, true, false, false]);

    sources[1].complete();
    expect(sources.map((s) => s.observed)).toEqual([true, false, true, false]);
    sources[0].error(new Error('boom'));
    expect(errors).toHaveLength(1);
    expect(sources[3].observed).toBe(true);
    expect(sut.inFlight).toBe(2);
    expect(sut.queued).toBe(0);
  });

  it('frees the slot of an unsubscribed run and forgets a queued one', () => {
    const sut = new ConcurrencyLimit(1);
    const first = new Subject<number>();
    const second = new Subject<number>();
    const third = new Subject<number>();
    const running = sut.run(first).subscribe();
    const queued = sut.run(second).subscribe();
    sut.run(third).subscribe();
    queued.unsubscribe();
    expect(sut.queued).toBe(1);
    running.unsubscribe();
    expect(second.observed).toBe(false);
    expect(third.observed).toBe(true);
    expect(sut.inFlight).toBe(1);
  });

  it('passes values through', () => {
    const sut = new ConcurrencyLimit(1);
    const source = new Subject<number>();
    const seen: number[] = [];
    sut.run(source).subscribe((value) => seen.push(value));
    source.next(1);
    source.next(2);
    expect(seen).toEqual([1, 2]);
  });
});
