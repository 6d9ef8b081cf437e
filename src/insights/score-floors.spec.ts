import { describe, expect, it } from 'vitest';
import type { Article } from '../domain/article.js';
import { type ScoreFloors, strongArticles } from './score-floors.js';

const FLOORS: ScoreFloors = { minScore: 0.2, confidentScore: 0.5, relativeScore: 0.5, statementScore: 0.7 };

const article = (id: string, score?: number): Article => ({
  id,
  title: `Title ${id}`,
  body: `Body of ${id}`,
  url: `https://kb.example.com/articles/${id}`,
  ...(score === undefined ? {} : { score }),
});

const ids = (articles: readonly Article[]) => articles.map(({ id }) => id);
const onScreen = (...shown: string[]) => ({ isAlreadyShown: (id: string) => shown.includes(id) });

describe(strongArticles.name, () => {
  it('asks more of the best hit when the utterance asks nothing (a statement may be small talk)', () => {
    const articles = [article('a', 0.6), article('b', 0.55)];
    expect(ids(strongArticles(articles, FLOORS).strong)).toEqual(['a', 'b']);
    expect(ids(strongArticles(articles, FLOORS, { asks: true }).strong)).toEqual(['a', 'b']);
    expect(strongArticles(articles, FLOORS, { asks: false })).toEqual({ strong: [], quiet: 'weak' });
    expect(ids(strongArticles([article('c', 0.7)], FLOORS, { asks: false }).strong)).toEqual(['c']);
    // Never lower than the confident floor, whatever the statement floor says.
    const lax = { ...FLOORS, statementScore: 0.1 };
    expect(strongArticles([article('d', 0.4)], lax, { asks: false })).toEqual({ strong: [], quiet: 'weak' });
  });

  it('is quiet with no hits', () => {
    expect(strongArticles([], FLOORS)).toEqual({ strong: [], quiet: 'no-hits' });
  });

  it('keeps every article when the best is confident and the others are close to it', () => {
    const articles = [article('a', 0.9), article('b', 0.8), article('c', 0.6)];

    expect(strongArticles(articles, FLOORS)).toEqual({ strong: articles });
  });

  it('is quiet when the best hit is below confidentScore', () => {
    expect(strongArticles([article('a', 0.49), article('b', 0.45)], FLOORS)).toEqual({ strong: [], quiet: 'weak' });
  });

  it('takes a best hit of exactly confidentScore as confident', () => {
    expect(ids(strongArticles([article('a', 0.5), article('b', 0.3)], FLOORS).strong)).toEqual(['a', 'b']);
  });

  it('keeps only articles scoring at least relativeScore of the best', () => {
    // floor: max(0.2, 0.5 × 0.8) = 0.4
    const articles = [article('a', 0.8), article('b', 0.6), article('c', 0.4), article('d', 0.39)];

    expect(ids(strongArticles(articles, FLOORS).strong)).toEqual(['a', 'b', 'c']);
  });

  it('still applies minScore when it is above the relative floor', () => {
    // floor: max(0.5, 0.5 × 0.8 = 0.4) = 0.5
    const floors = { ...FLOORS, minScore: 0.5 };
    const articles = [article('a', 0.8), article('b', 0.5), article('c', 0.45)];

    expect(ids(strongArticles(articles, floors).strong)).toEqual(['a', 'b']);
  });

  it('keeps the ranked order, not the score order', () => {
    const articles = [article('a', 0.6), article('b', 0.9), article('c', 0.7), article('d', 0.1)];

    expect(ids(strongArticles(articles, FLOORS).strong)).toEqual(['a', 'b', 'c']);
  });

  it('returns a new list and leaves the given one as it was', () => {
    const articles = [article('a', 0.9), article('b', 0.1)];

    const { strong } = strongArticles(articles, FLOORS);

    expect(strong).not.toBe(articles);
    expect(ids(articles)).toEqual(['a', 'b']);
  });

  describe('with articles the call has already seen', () => {
    it('is quiet when the best hit was shown, however strong the others are', () => {
      const articles = [article('a', 0.95), article('b', 0.9), article('c', 0.85)];

      expect(strongArticles(articles, FLOORS, onScreen('a'))).toEqual({ strong: [], quiet: 'already-shown' });
    });

    it('finds the best hit by score, not by rank', () => {
      const articles = [article('a', 0.7), article('b', 0.9)];

      expect(strongArticles(articles, FLOORS, onScreen('b'))).toEqual({ strong: [], quiet: 'already-shown' });
      expect(ids(strongArticles(articles, FLOORS, onScreen('a')).strong)).toEqual(['a', 'b']);
    });

    it('takes the first among equal scores as the best', () => {
      const articles = [article('a', 0.8), article('b', 0.8)];

      expect(strongArticles(articles, FLOORS, onScreen('a'))).toEqual({ strong: [], quiet: 'already-shown' });
      expect(ids(strongArticles(articles, FLOORS, onScreen('b')).strong)).toEqual(['a', 'b']);
    });

    it('is already-shown, not weak, when the shown best is not confident', () => {
      expect(strongArticles([article('a', 0.3)], FLOORS, onScreen('a'))).toEqual({
        strong: [],
        quiet: 'already-shown',
      });
      expect(strongArticles([article('a', 0.3)], FLOORS, onScreen('b'))).toEqual({ strong: [], quiet: 'weak' });
    });

    it('judges the others against the unshown best, and keeps a shown one below it for the formatter to drop', () => {
      // floor: 0.5 × 0.9 = 0.45; the shown 'b' neither raises it nor is removed here
      const articles = [article('a', 0.9), article('b', 0.85), article('c', 0.5), article('d', 0.44)];

      expect(ids(strongArticles(articles, FLOORS, onScreen('b')).strong)).toEqual(['a', 'b', 'c']);
    });
  });

  describe('with articles without a score', () => {
    it('keeps them all, in order, when none has a score', () => {
      const articles = [article('a'), article('b'), article('c')];

      const { strong, quiet } = strongArticles(articles, FLOORS);

      expect(ids(strong)).toEqual(['a', 'b', 'c']);
      expect(strong).not.toBe(articles);
      expect(quiet).toBeUndefined();
    });

    it('is quiet when none has a score and the first was shown', () => {
      const articles = [article('a'), article('b')];

      expect(strongArticles(articles, FLOORS, onScreen('a'))).toEqual({ strong: [], quiet: 'already-shown' });
      expect(ids(strongArticles(articles, FLOORS, onScreen('b')).strong)).toEqual(['a', 'b']);
    });

    it('does not judge them by the floors, nor take them as the best', () => {
      // best: 'b' (0.9), floor 0.45; 'a' and 'd' have no score and pass
      const articles = [article('a'), article('b', 0.9), article('c', 0.3), article('d')];

      expect(ids(strongArticles(articles, FLOORS).strong)).toEqual(['a', 'b', 'd']);
      expect(strongArticles(articles, FLOORS, onScreen('b')).quiet).toBe('already-shown');
      expect(ids(strongArticles(articles, FLOORS, onScreen('a')).strong)).toEqual(['a', 'b', 'd']);
    });
  });
});
