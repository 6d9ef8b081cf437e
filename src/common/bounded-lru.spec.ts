import { describe, expect, it } from 'vitest';
import { boundedLru } from './bounded-lru.js';

describe(boundedLru.name, () => {
  it('holds at most its capacity, evicting the least recently used', () => {
    const sut = boundedLru<string, number>(2);
    sut.set('a', 1);
    sut.set('b', 2);
    sut.get('a');
    sut.set('c', 3);
    expect([...sut.keys()].sort()).toEqual(['a', 'c']);
    expect(sut.size).toBe(2);
  });

  it('costs memory for what it holds, not for its capacity', () => {
    const before = process.memoryUsage().arrayBuffers;
    const caches = Array.from({ length: 4 }, () => boundedLru<string, number>(1_000_000));
    caches[0]!.set('a', 1);
    // With `max: 1_000_000`, four caches would allocate about 48 MB of typed arrays at once.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1_000_000);
  });
});
