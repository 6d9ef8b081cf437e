import { LRUCache } from 'lru-cache';
import { defer, finalize, map, type Observable, of, share, tap } from 'rxjs';
import type { Article } from '../../domain/article.js';

/** `hit`: answered from the cache; `shared`: joined the same search already in flight; `miss`: searched. */
export type CacheLookup = 'hit' | 'shared' | 'miss';

export interface SearchCacheOptions {
  /** 0: answers are not kept (identical searches in flight are still shared). */
  ttlMs: number;
  maxEntries: number;
  /** Bounds the memory whatever the entries hold: keys and article fields, in characters. */
  maxChars: number;
}

/**
 * The articles of recent searches, by normalised query: every Expert search is billed to the tenant, and
 * callers repeat themselves ("I can't log in", "can't log in"). Only successful answers are kept (an empty
 * one included); failures are not, so the next turn asks again. Identical searches in flight share one
 * request, which is aborted only when none of them waits for it any more.
 */
export class ExpertSearchCache {
  private readonly answers?: LRUCache<string, readonly Article[]>;
  private readonly inFlight = new Map<string, Observable<Article[]>>();

  constructor(options: SearchCacheOptions) {
    if (options.ttlMs <= 0 || options.maxEntries <= 0) return;
    this.answers = new LRUCache<string, readonly Article[]>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      maxSize: options.maxChars,
      sizeCalculation: (articles, key) => key.length + articles.reduce((sum, a) => sum + charsOf(a), 0) + 1,
      // lru-cache would keep the `performance` it found at import; reading it per call follows the process clock.
      perf: { now: () => performance.now() },
    });
  }

  /** The answer for `key`: cached, shared with a search in flight, or `search()` (subscribed lazily). */
  lookup(key: string, search: () => Observable<Article[]>, seen: (lookup: CacheLookup) => void): Observable<Article[]> {
    return defer(() => {
      const cached = this.answers?.get(key);
      if (cached) {
        seen('hit');
        return of([...cached]);
      }
      const running = this.inFlight.get(key);
      if (running) {
        seen('shared');
        return running;
      }
      seen('miss');
      const shared$: Observable<Article[]> = search().pipe(
        // Frozen: one answer goes to several turns (and stays cached), so no caller may change it for the others.
        map((articles) => articles.map((article) => Object.freeze({ ...article }))),
        tap((articles) => this.answers?.set(key, [...articles])),
        finalize(() => {
          if (this.inFlight.get(key) === shared$) this.inFlight.delete(key);
        }),
        share(),
      );
      this.inFlight.set(key, shared$);
      return shared$;
    });
  }

  get size(): number {
    return this.answers?.size ?? 0;
  }
}

function charsOf(article: Article): number {
  return article.id.length + article.title.length + article.body.length + article.url.length;
}

/** The cache key of a query: case and spacing do not change what Expert finds. */
export function normalizeQuery(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
