import { describe, expect, it } from 'vitest';
import { appendBounded } from './bounded-records.js';

describe(appendBounded.name, () => {
  const sut = appendBounded;

  it('keeps only the newest entries once the limit is reached, in the same array', () => {
    const list: number[] = [];

    for (let i = 1; i <= 7; i++) sut(list, i, 3);

    expect(list).toEqual([5, 6, 7]);
  });
});
