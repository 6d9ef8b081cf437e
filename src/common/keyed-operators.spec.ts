import { finalize, of, Subject, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { inOrderPerKey, supersedePerKey } from './keyed-operators.js';

interface Job {
  key: string;
  name: string;
}

/** Inner work the test finishes by hand, recording what was started and cancelled. */
function harness() {
  const started: string[] = [];
  const cancelled: string[] = [];
  const work = new Map<string, Subject<string>>();
  const project = (job: Job) => {
    const subject = new Subject<string>();
    work.set(job.name, subject);
    started.push(job.name);
    return subject.pipe(
      finalize(() => {
        if (!subject.isStopped) cancelled.push(job.name);
      }),
    );
  };
  const finish = (name: string) => {
    work.get(name)!.next(`${name} done`);
    work.get(name)!.complete();
  };
  return { started, cancelled, project, finish };
}

const keyOf = (job: Job) => job.key;
const job = (key: string, name: string): Job => ({ key, name });

describe(supersedePerKey.name, () => {
  it('cancels the older work of the same key only', () => {
    const { started, cancelled, project, finish } = harness();
    const source = new Subject<Job>();
    const out: string[] = [];
    source.pipe(supersedePerKey(keyOf, project)).subscribe((value) => out.push(value));

    source.next(job('a', 'a1'));
    source.next(job('b', 'b1'));
    source.next(job('a', 'a2'));
    finish('b1');
    finish('a2');

    expect(started).toEqual(['a1', 'b1', 'a2']);
    expect(cancelled).toEqual(['a1']);
    expect(out).toEqual(['b1 done', 'a2 done']);
  });

  it('does not cancel finished work when a newer value of its key arrives', () => {
    const { cancelled, project, finish } = harness();
    const source = new Subject<Job>();
    source.pipe(supersedePerKey(keyOf, project)).subscribe();

    source.next(job('a', 'a1'));
    finish('a1');
    source.next(job('a', 'a2'));

    expect(cancelled).toEqual([]);
  });

  it('completes once the source and every inner work have completed', () => {
    const { project, finish } = harness();
    const source = new Subject<Job>();
    let completed = false;
    source.pipe(supersedePerKey(keyOf, project)).subscribe({ complete: () => (completed = true) });

    source.next(job('a', 'a1'));
    source.complete();
    expect(completed).toBe(false);
    finish('a1');
    expect(completed).toBe(true);
  });

  it('handles inner work that completes synchronously', () => {
    const source = new Subject<Job>();
    const out: string[] = [];
    let completed = false;
    source
      .pipe(supersedePerKey(keyOf, (value) => of(value.name)))
      .subscribe({ next: (value) => out.push(value), complete: () => (completed = true) });

    source.next(job('a', 'a1'));
    source.next(job('a', 'a2'));
    source.complete();

    expect(out).toEqual(['a1', 'a2']);
    expect(completed).toBe(true);
  });

  it('cancels all inner work when unsubscribed', () => {
    const { cancelled, project } = harness();
    const source = new Subject<Job>();
    const subscription = source.pipe(supersedePerKey(keyOf, project)).subscribe();
    source.next(job('a', 'a1'));
    source.next(job('b', 'b1'));

    subscription.unsubscribe();

    expect(cancelled.sort()).toEqual(['a1', 'b1']);
  });
});

describe(inOrderPerKey.name, () => {
  it('runs one key at a time, in arrival order, and other keys alongside', () => {
    const { started, project, finish } = harness();
    const source = new Subject<Job>();
    const out: string[] = [];
    source.pipe(inOrderPerKey(keyOf, project)).subscribe((value) => out.push(value));

    source.next(job('a', 'a1'));
    source.next(job('a', 'a2'));
    source.next(job('b', 'b1'));
    expect(started).toEqual(['a1', 'b1']);

    finish('a1');
    expect(started).toEqual(['a1', 'b1', 'a2']);
    finish('a2');
    finish('b1');
    expect(out).toEqual(['a1 done', 'a2 done', 'b1 done']);
  });

  it('starts the next value of a key at once when inner work completes synchronously', () => {
    const source = new Subject<Job>();
    const out: string[] = [];
    source.pipe(inOrderPerKey(keyOf, (value) => of(value.name))).subscribe((value) => out.push(value));

    for (const name of ['a1', 'a2', 'a3']) source.next(job('a', name));

    expect(out).toEqual(['a1', 'a2', 'a3']);
  });

  it('completes once the source and every lane have drained', () => {
    const { project, finish } = harness();
    const source = new Subject<Job>();
    let completed = false;
    source.pipe(inOrderPerKey(keyOf, project)).subscribe({ complete: () => (completed = true) });

    source.next(job('a', 'a1'));
    source.next(job('a', 'a2'));
    source.complete();
    finish('a1');
    expect(completed).toBe(false);
    finish('a2');
    expect(completed).toBe(true);
  });

  it('passes an inner error on', () => {
    const source = new Subject<Job>();
    let failure: unknown;
    source.pipe(inOrderPerKey(keyOf, () => throwError(() => new Error('boom')))).subscribe({
      error: (error: unknown) => (failure = error),
    });

    source.next(job('a', 'a1'));

    expect((failure as Error).message).toBe('boom');
  });
});
