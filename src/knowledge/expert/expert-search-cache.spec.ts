import { firstValueFrom, of } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import type { Article } from '../../domain/article.js';
import { ExpertSearchCache, normalizeQuery } from './expert-search-cache.js';

const article = (id: string, body = ''): Article => ({ id, title: id, body, url: '' });

describe(ExpertSearchCache.name, () => {
  it('keeps no more characters than maxChars, whatever maxEntries allows', async () => {
    const sut = new ExpertSearchCache({ ttlMs: 60_000, maxEntries: 1000, maxChars: 10_000 });
    for (let i = 0; i < 10; i++) {
      await firstValueFrom(sut.lookup(`q${i}`, () => of([article(`a${i}`, 'x'.repeat(3000))]), vi.fn()));
    }
    expect(sut.size).toBe(3);
  });

  it('hands out frozen articles in a list of their own: no caller changes the cached answer', async () => {
    const sut = new ExpertSearchCache({ ttlMs: 60_000, maxEntries: 10, maxChars: 10_000 });
    const first = await firstValueFrom(sut.lookup('q', () => of([article('a')]), vi.fn()));
    first.push(article('b'));
    expect(() => (first[0].title = 'changed')).toThrow(TypeError);
    const again = await firstValueFrom(sut.lookup('q', () => of([]), vi.fn()));
    expect(again).toEqual([article('a')]);
    again.pop();
    expect(await firstValueFrom(sut.lookup('q', () => of([]), vi.fn()))).toEqual([article('a')]);
  });
});

describe(normalizeQuery.name, () => {
  it('lowercases, collapses whitespace and trims', () => {
    expect(normalizeQuery('  Reset\u00a0my\n\tPIN  ')).toBe('reset my pin');
  });
});
