import { describe, expect, it } from 'vitest';
import { ShownArticles } from './shown-articles.js';

const T0 = 1_800_000_000_000;

describe(ShownArticles.name, () => {
  it('remembers articles per interaction', () => {
    const sut = new ShownArticles(10);
    sut.remember('i-1', ['a', 'b']);
    sut.remember('i-1', ['c']);
    expect(['a', 'b', 'c', 'd'].map((id) => sut.has('i-1', id))).toEqual([true, true, true, false]);
    expect(sut.has('i-2', 'a')).toBe(false);
    expect(sut.size).toBe(1);
  });

  it('keeps at most maxInteractions, forgetting the least recently used one', () => {
    const sut = new ShownArticles(2);
    sut.remember('i-1', ['a']);
    sut.remember('i-2', ['a']);
    sut.remember('i-3', ['a']);
    expect(sut.size).toBe(2);
    expect(['i-1', 'i-2', 'i-3'].map((id) => sut.has(id, 'a'))).toEqual([false, true, true]);
  });

  it('counts remembering more articles as a use, so an active interaction survives', () => {
    const sut = new ShownArticles(2);
    sut.remember('i-1', ['a']);
    sut.remember('i-2', ['a']);
    sut.remember('i-1', ['b']); // i-1 is now the most recently used
    sut.remember('i-3', ['a']);
    expect(sut.size).toBe(2);
    expect(sut.has('i-1', 'a')).toBe(true);
    expect(sut.has('i-1', 'b')).toBe(true);
    expect(sut.has('i-2', 'a')).toBe(false);
  });

  it('stays bounded however many interactions come and go', () => {
    const sut = new ShownArticles(3);
    for (let i = 0; i < 1000; i++) sut.remember(`i-${i}`, [`a-${i}`]);
    expect(sut.size).toBe(3);
    expect(['i-996', 'i-997', 'i-998', 'i-999'].map((id, n) => sut.has(id, `a-${996 + n}`))).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it('frees the place of a forgotten interaction', () => {
    const sut = new ShownArticles(2);
    sut.remember('i-1', ['a']);
    sut.remember('i-2', ['a']);
    sut.forget('i-1');
    expect(sut.size).toBe(1);
    expect(sut.has('i-1', 'a')).toBe(false);
    sut.remember('i-3', ['a']);
    expect(sut.has('i-2', 'a')).toBe(true);
    expect(sut.has('i-3', 'a')).toBe(true);
  });

  it('forgets an ended interaction only once its grace period is over', () => {
    let clock = T0;
    const sut = new ShownArticles(10, 600_000, () => clock);
    sut.remember('i-1', ['a']);
    sut.remember('i-2', ['a']);

    sut.retire('i-1', 10_000);
    clock = T0 + 10_000;
    expect(sut.has('i-1', 'a')).toBe(true);
    sut.remember('i-1', ['b']); // its last push: it does not win the retired interaction more time
    clock = T0 + 10_001;
    expect(sut.has('i-1', 'a')).toBe(false);
    expect(sut.has('i-2', 'a')).toBe(true);
  });

  it('forgets interactions unused for idleMs, keeping the ones still in use', () => {
    let clock = T0;
    const sut = new ShownArticles(10, 60_000, () => clock);
    sut.remember('i-quiet', ['a']);
    clock = T0 + 30_000;
    sut.remember('i-busy', ['a']);
    clock = T0 + 60_000;
    expect(sut.size).toBe(2);

    clock = T0 + 60_001;
    sut.remember('i-busy', ['b']);
    expect(sut.size).toBe(1);
    expect(sut.has('i-quiet', 'a')).toBe(false);
    expect(sut.has('i-busy', 'a')).toBe(true);
  });
});
