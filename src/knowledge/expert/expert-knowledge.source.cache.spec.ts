import { firstValueFrom, Observable, Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpReply } from '../../cxone-api/http-transport.js';
import { ExpertKnowledgeSource } from './expert-knowledge.source.js';
import { ExpertSourceBench, hit, ok, query, status } from './expert-spec-kit.js';

describe(`${ExpertKnowledgeSource.name} cache`, () => {
  const bench = new ExpertSourceBench();

  beforeEach(() => bench.setUp());
  afterEach(() => bench.tearDown());

  describe('cache', () => {
    const search = (text: string, pageSize = 5) => firstValueFrom(bench.sut.search(query(text, pageSize)));
    const cacheCounts = () => ({
      hit: bench.counters.get('knowledge_cache{result="hit"}'),
      shared: bench.counters.get('knowledge_cache{result="shared"}'),
      miss: bench.counters.get('knowledge_cache{result="miss"}'),
    });

    it('answers the same normalised query from the cache: one request, a miss then hits', async () => {
      bench.replies(ok(hit('1')));
      const first = await search('Reset my PIN');
      const again = await search('  reset   MY pin ');
      expect(again).toEqual(first);
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      expect(cacheCounts()).toEqual({ hit: 1, shared: 0, miss: 1 });
    });

    it('keeps "no hit" answers too, and keys by page size', async () => {
      await search('nothing here');
      await search('nothing here');
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      await search('nothing here', 3);
      expect(bench.exchange).toHaveBeenCalledTimes(2);
    });

    it('asks again once the answer is older than EXPERT_CACHE_TTL_MS', async () => {
      // lru-cache treats a start time of 0 as "no expiry"; a real process clock is past 0 long before.
      vi.advanceTimersByTime(1);
      await search('q');
      await vi.advanceTimersByTimeAsync(59_000);
      await search('q');
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1_001);
      await search('q');
      expect(bench.exchange).toHaveBeenCalledTimes(2);
    });

    it('keeps at most EXPERT_CACHE_MAX_ENTRIES answers, dropping the least recently used', async () => {
      bench.create({ cacheMaxEntries: 2 });
      await search('a');
      await search('b');
      await search('a');
      await search('c');
      expect(bench.exchange).toHaveBeenCalledTimes(3);
      await search('a');
      await search('c');
      expect(bench.exchange).toHaveBeenCalledTimes(3);
      await search('b');
      expect(bench.exchange).toHaveBeenCalledTimes(4);
    });

    it('keeps nothing with EXPERT_CACHE_TTL_MS=0', async () => {
      bench.create({ cacheTtlMs: 0 });
      await search('q');
      await search('q');
      expect(bench.exchange).toHaveBeenCalledTimes(2);
    });

    it('does not keep failures: the next turn asks again', async () => {
      bench.replies(status(400), ok(hit('1')));
      bench.run(query('q'));
      await vi.advanceTimersByTimeAsync(0);
      expect((await search('q')).map((a) => a.id)).toEqual(['expert-1']);
      expect(bench.exchange).toHaveBeenCalledTimes(2);
    });

    it('shares one request between identical searches in flight', async () => {
      const reply = new Subject<HttpReply>();
      bench.exchange.mockImplementation(() => reply);
      const first = bench.run(query('Reset PIN'));
      const second = bench.run(query('reset pin'));
      reply.next(ok(hit('1')));
      reply.complete();
      await vi.advanceTimersByTimeAsync(0);
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      expect(first.value?.map((a) => a.id)).toEqual(['expert-1']);
      expect(second.value).toEqual(first.value);
      expect(cacheCounts()).toEqual({ hit: 0, shared: 1, miss: 1 });
      expect(bench.counters.get('expert_requests{outcome="success"}')).toBe(1);
    });

    it('aborts a shared request only when no search waits for it any more', async () => {
      const aborted = vi.fn();
      bench.exchange.mockImplementation(() => new Observable<HttpReply>(() => aborted));
      const first = bench.run(query('q'));
      const second = bench.run(query('q'));
      first.subscription.unsubscribe();
      expect(aborted).not.toHaveBeenCalled();
      second.subscription.unsubscribe();
      expect(aborted).toHaveBeenCalledTimes(1);
      expect(bench.counters.get('expert_requests{outcome="cancelled"}')).toBe(1);

      bench.replies(ok(''));
      await search('q');
      expect(bench.exchange).toHaveBeenCalledTimes(2);
    });
  });
});
