import { finalize, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DeadlineQueue, type ShedCause } from './deadline-queue.js';

describe(DeadlineQueue.name, () => {
  let clock = 0;
  const now = () => clock;

  /** Work the test finishes by hand. */
  function work(name: string, log: string[]) {
    const subject = new Subject<string>();
    const source = subject.pipe(finalize(() => log.push(`${name} released`)));
    return {
      source,
      finish: () => {
        subject.next(name);
        subject.complete();
      },
    };
  }

  it('runs at most maxInFlight at once and starts the waiting in arrival order', () => {
    clock = 0;
    const sut = new DeadlineQueue({ maxInFlight: 2, maxQueued: 10, now });
    const log: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((name) => work(name, log));
    const out: string[] = [];
    for (const job of jobs) sut.run(job.source, 1_000_000, () => undefined).subscribe((value) => out.push(value));

    expect([sut.inFlight, sut.queued]).toEqual([2, 2]);
    jobs[1].finish();
    jobs[2].finish();
    jobs[0].finish();
    jobs[3].finish();

    expect(out).toEqual(['b', 'c', 'a', 'd']);
    expect([sut.inFlight, sut.queued]).toEqual([0, 0]);
  });

  it('sheds at once when the line is full, and says why', () => {
    clock = 0;
    const sut = new DeadlineQueue({ maxInFlight: 1, maxQueued: 2, now });
    const shed: ShedCause[] = [];
    let completed = 0;
    for (let i = 0; i < 5; i++) {
      sut.run(new Subject<string>(), 1_000_000, (cause) => shed.push(cause)).subscribe({ complete: () => completed++ });
    }

    expect(shed).toEqual(['queue-full', 'queue-full']);
    expect(completed).toBe(2);
    expect([sut.inFlight, sut.queued]).toEqual([1, 2]);
  });

  it('sheds new work whose predicted wait already runs past its deadline', () => {
    clock = 0;
    const sut = new DeadlineQueue({ maxInFlight: 1, maxQueued: 100, now });
    const log: string[] = [];
    const first = work('first', log);
    sut.run(first.source, 10_000, () => undefined).subscribe();
    clock = 1000;
    first.finish(); // a slot is held for 1 s on average now

    const shed: ShedCause[] = [];
    const holder = work('holder', log);
    sut.run(holder.source, 1_000_000, () => undefined).subscribe();
    for (let i = 0; i < 5; i++) sut.run(new Subject(), clock + 4500, (cause) => shed.push(cause)).subscribe();

    // 1st waiter: one round ahead plus its own = 2 s; 2nd: 3 s; 3rd: 4 s; 4th and 5th: 5 s and 6 s > 4.5 s.
    expect(shed).toEqual(['deadline', 'deadline']);
    expect(sut.queued).toBe(3);
  });

  it('sheds waiting work whose deadline is too close when a slot frees', () => {
    clock = 0;
    const sut = new DeadlineQueue({ maxInFlight: 1, maxQueued: 100, now });
    const log: string[] = [];
    const warmup = work('warmup', log);
    sut.run(warmup.source, 10_000, () => undefined).subscribe();
    clock = 100;
    warmup.finish(); // average slot time 100 ms

    const holder = work('holder', log);
    sut.run(holder.source, 1_000_000, () => undefined).subscribe();
    const shed: string[] = [];
    const started: string[] = [];
    const soon = work('soon', started);
    const later = work('later', started);
    sut.run(soon.source, clock + 1000, () => shed.push('soon')).subscribe();
    sut.run(later.source, clock + 5000, () => shed.push('later')).subscribe();

    clock += 950; // 'soon' would now finish 50 ms after its deadline
    holder.finish();

    expect(shed).toEqual(['soon']);
    expect(sut.inFlight).toBe(1);
    later.finish();
    expect(started).toEqual(['later released']);
  });

  it('frees the slot of work that is unsubscribed, and forgets waiting work that is', () => {
    clock = 0;
    const sut = new DeadlineQueue({ maxInFlight: 1, maxQueued: 10, now });
    const log: string[] = [];
    const running = sut.run(work('running', log).source, 1_000_000, () => undefined).subscribe();
    const waiting = sut.run(new Subject(), 1_000_000, () => undefined).subscribe();
    const third = work('third', log);
    sut.run(third.source, 1_000_000, () => undefined).subscribe();

    waiting.unsubscribe();
    expect(sut.queued).toBe(1);
    running.unsubscribe();
    expect(log).toEqual(['running released']);
    expect([sut.inFlight, sut.queued]).toEqual([1, 0]);
  });
});
