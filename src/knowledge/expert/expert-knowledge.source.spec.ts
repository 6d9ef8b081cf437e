import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { firstValueFrom, Observable, of, Subject, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { Counters } from '../../common/counters.js';
import type { AppConfig } from '../../config/app-config.js';
import {
  type HttpExchange,
  type HttpReply,
  type HttpTransport,
  HttpTransportError,
} from '../../cxone-api/http-transport.js';
import type { Article } from '../../domain/article.js';
import { KnowledgeErrorCode, KnowledgeException } from '../knowledge.exception.js';
import type { KnowledgeQuery } from '../knowledge-source.js';
import { ExpertKnowledgeSource } from './expert-knowledge.source.js';

const SITE = 'https://help.example.com';
const SECRET = 'expert-secret-Qz81';
const EXPERT = {
  siteUrl: SITE,
  key: 'key1',
  secret: SECRET,
  user: '=assist',
  cacheTtlMs: 60_000,
  cacheMaxEntries: 100,
};
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

type Expert = typeof EXPERT;
const configOf = (expert: Partial<Expert> = {}) =>
  ({
    get: (key: string) =>
      ({ http: { timeoutMs: 5000, maxAttempts: 4 }, knowledge: { expert: { ...EXPERT, ...expert } } })[key as 'http'],
  }) as unknown as ConfigService<AppConfig, true>;

const hit = (id: string) => ({
  id,
  title: `Page ${id}`,
  uri: `${SITE}/@go/page/${id}`,
  rank: '3',
  preview: `<p>page ${id}</p>`,
  page: { title: `Page ${id}`, 'uri.ui': `${SITE}/Knowledge/P${id}`, path: `Knowledge/P${id}` },
});
const ok = (result: unknown): HttpReply => ({
  status: 200,
  headers: {},
  body: JSON.stringify({ '@count': '1', result }),
});
const status = (code: number, headers: Record<string, string> = {}, body = ''): HttpReply => ({
  status: code,
  headers,
  body,
});
const query = (text: string, pageSize = 5): KnowledgeQuery => ({ text, language: 'en-US', pageSize });

describe(ExpertKnowledgeSource.name, () => {
  let sut: ExpertKnowledgeSource;
  let exchange: Mock<(exchange: HttpExchange) => Observable<HttpReply>>;
  let counters: Counters;
  let errorLog: Mock;
  let warnLog: Mock;

  /** Replies in order, one per request; the last one repeats. */
  function replies(...sequence: (HttpReply | Error)[]) {
    let index = 0;
    exchange.mockImplementation(() => {
      const reply = sequence[Math.min(index++, sequence.length - 1)];
      return reply instanceof Error ? throwError(() => reply) : of(reply);
    });
  }

  function create(expert: Partial<Expert> = {}) {
    sut = new ExpertKnowledgeSource({ exchange } as unknown as HttpTransport, counters, configOf(expert));
  }

  /** Subscribes and records the outcome; the caller advances the fake clock. */
  function run(q: KnowledgeQuery) {
    const outcome: { value?: Article[]; error?: unknown; done: boolean } = { done: false };
    const subscription = sut.search(q).subscribe({
      next: (value) => (outcome.value = value),
      error: (error: unknown) => Object.assign(outcome, { error, done: true }),
      complete: () => (outcome.done = true),
    });
    return Object.assign(outcome, { subscription });
  }

  const sent = (i = 0) => exchange.mock.calls[i][0];
  const epochOf = (i = 0) => Number(/^tkn_key1_(\d+)_/.exec(sent(i).headers['X-Deki-Token'])?.[1]);
  const logged = () => JSON.stringify([...errorLog.mock.calls, ...warnLog.mock.calls]);

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    vi.setSystemTime(NOW);
    exchange = vi.fn();
    replies(ok(''));
    counters = new Counters();
    errorLog = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined) as unknown as Mock;
    warnLog = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined) as unknown as Mock;
    create();
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  describe('the request', () => {
    it('asks site/query for the normalised query, the page size and JSON, signed with a server token', async () => {
      await firstValueFrom(sut.search(query('  How do I   RESET\tmy PIN? ', 7)));
      expect(exchange).toHaveBeenCalledTimes(1);
      const { method, url, headers, maxResponseBytes } = sent();
      expect(method).toBe('GET');
      expect(`${url.origin}${url.pathname}`).toBe(`${SITE}/@api/deki/site/query`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        q: 'how do i reset my pin?',
        limit: '7',
        'dream.out.format': 'json',
      });
      const epoch = NOW / 1000;
      const signature = createHmac('sha256', SECRET).update(`key1_${epoch}_=assist`).digest('hex');
      expect(headers['X-Deki-Token']).toBe(`tkn_key1_${epoch}_=assist_${signature}`);
      expect(maxResponseBytes).toBeLessThanOrEqual(1024 * 1024);
    });

    it('signs each request at its own time, retries included', async () => {
      replies(status(429, { 'retry-after': '3' }), ok(''));
      run(query('first'));
      await vi.advanceTimersByTimeAsync(7000);
      run(query('second'));
      await vi.advanceTimersByTimeAsync(0);
      expect(exchange).toHaveBeenCalledTimes(3);
      expect([epochOf(0), epochOf(1), epochOf(2)]).toEqual([NOW / 1000, NOW / 1000 + 3, NOW / 1000 + 7]);
    });

    it('refuses to start without the Expert settings (sandbox mode does not check them)', () => {
      for (const unset of ['siteUrl', 'key', 'secret', 'user']) {
        expect(() => create({ [unset]: '' }), unset).toThrow(
          expect.objectContaining({ name: 'ConfigException', variables: expect.arrayContaining(['EXPERT_SITE_URL']) }),
        );
      }
    });

    it('sends nothing for a query that is only whitespace', async () => {
      expect(await firstValueFrom(sut.search(query(' \n\t ')))).toEqual([]);
      expect(exchange).not.toHaveBeenCalled();
    });
  });

  describe('replies', () => {
    it('turns one hit, several hits and "" into articles', async () => {
      replies(ok(hit('1')), ok([hit('2'), hit('3')]), ok(''));
      const ids = async (text: string) => (await firstValueFrom(sut.search(query(text)))).map((a) => a.id);
      expect(await ids('one')).toEqual(['expert-1']);
      expect(await ids('two')).toEqual(['expert-2', 'expert-3']);
      expect(await ids('none')).toEqual([]);
      expect(counters.get('expert_requests{outcome="success"}')).toBe(3);
    });

    it('rejects an HTML reply: an error for the turn, counted, logged once per window, not cached', async () => {
      replies({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Sign in</body></html>' });
      const first = run(query('reset pin'));
      const second = run(query('reset pin'));
      await vi.advanceTimersByTimeAsync(0);
      expect(first.error).toBeInstanceOf(KnowledgeException);
      expect(first.error).toMatchObject({ code: KnowledgeErrorCode.ExpertInvalidReply });
      expect(second.error).toMatchObject({ code: KnowledgeErrorCode.ExpertInvalidReply });
      expect(exchange).toHaveBeenCalledTimes(2);
      expect(counters.get('expert_requests{outcome="invalid-reply"}')).toBe(2);
      expect(warnLog).toHaveBeenCalledTimes(1);
      expect(logged()).toContain('the reply is HTML or XML, not JSON');
      expect(logged()).not.toContain('reset pin');

      replies(ok(hit('9')));
      expect((await firstValueFrom(sut.search(query('reset pin')))).map((a) => a.id)).toEqual(['expert-9']);
    });

    it('gives up on a reply larger than the cap at once, as an invalid reply', async () => {
      replies(new HttpTransportError('too-large', 'reply over 1048576 bytes'));
      const outcome = run(query('big'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(exchange).toHaveBeenCalledTimes(1);
      expect(outcome.error).toMatchObject({ code: KnowledgeErrorCode.ExpertInvalidReply });
      expect(counters.get('expert_requests{outcome="invalid-reply"}')).toBe(1);
    });
  });

  describe('refusals and retries', () => {
    const refusal = JSON.stringify({
      '@status': '403',
      exception: 'MindTouch.Deki.Exceptions.ForbiddenException',
      message: `X-Deki-Token refused (stale) tkn_key1_1_=assist_abc ${SECRET}`,
    });

    it('fails a 403 at once, logging at error once per window what is probably wrong, without secrets', async () => {
      replies(status(403, {}, refusal));
      const first = run(query('reset pin'));
      run(query('other question'));
      await vi.advanceTimersByTimeAsync(0);
      expect(exchange).toHaveBeenCalledTimes(2);
      expect(first.error).toMatchObject({ code: KnowledgeErrorCode.ExpertForbidden, status: 403 });
      expect(counters.get('expert_requests{outcome="forbidden"}')).toBe(2);
      expect(errorLog).toHaveBeenCalledTimes(1);
      const line = logged();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(errorLog).toHaveBeenCalledTimes(2);
      expect(errorLog.mock.calls[1][0]).toBe('1 more refused Expert searches in the last 10 s (one line per 10 s)');
      expect(line).toContain('HTTP 403');
      expect(line).toContain('X-Deki-Token refused (stale)');
      expect(line).toMatch(/EXPERT_KEY and EXPERT_SECRET.*EXPERT_USER.*read the knowledge pages.*clock/);
      for (const text of [line, (first.error as Error).message]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toMatch(/tkn_key1/);
      }
      expect(line).not.toContain('reset pin');
    });

    it('fails a 401 at once too (no token to refresh), with the same hint', async () => {
      replies(status(401));
      const outcome = run(query('q'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(exchange).toHaveBeenCalledTimes(1);
      expect(outcome.error).toMatchObject({ code: KnowledgeErrorCode.ExpertUnauthorized, status: 401 });
      expect(counters.get('expert_requests{outcome="unauthorized"}')).toBe(1);
      expect(logged()).toContain('EXPERT_USER');
    });

    it('fails another 4xx at once as rejected', async () => {
      replies(status(400, {}, '{"message":"parameter \'q\' is required"}'));
      const outcome = run(query('q'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(exchange).toHaveBeenCalledTimes(1);
      expect(outcome.error).toMatchObject({ code: KnowledgeErrorCode.ExpertRejected, status: 400 });
      expect((outcome.error as Error).message).toBe("request refused (HTTP 400): parameter 'q' is required");
    });

    it('waits Retry-After on a 429, then succeeds', async () => {
      replies(status(429, { 'retry-after': '2' }), ok(hit('1')));
      const outcome = run(query('q'));
      await vi.advanceTimersByTimeAsync(1999);
      expect(exchange).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(exchange).toHaveBeenCalledTimes(2);
      expect(outcome.value?.map((a) => a.id)).toEqual(['expert-1']);
      expect(counters.get('expert_retries{cause="rate-limited"}')).toBe(1);
    });

    it('retries a 503 with backoff up to HTTP_MAX_ATTEMPTS, then fails as unavailable', async () => {
      replies(status(503));
      const outcome = run(query('q'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(exchange).toHaveBeenCalledTimes(4);
      expect(outcome.error).toMatchObject({ code: KnowledgeErrorCode.ExpertUnavailable, status: 503 });
      expect((outcome.error as Error).message).toBe('4 attempts failed (last: HTTP 503)');
      expect(counters.get('expert_retries{cause="server-error"}')).toBe(3);
      expect(counters.get('expert_requests{outcome="exhausted"}')).toBe(1);
    });
  });
  describe('cache', () => {
    const search = (text: string, pageSize = 5) => firstValueFrom(sut.search(query(text, pageSize)));
    const cacheCounts = () => ({
      hit: counters.get('knowledge_cache{result="hit"}'),
      shared: counters.get('knowledge_cache{result="shared"}'),
      miss: counters.get('knowledge_cache{result="miss"}'),
    });

    it('answers the same normalised query from the cache: one request, a miss then hits', async () => {
      replies(ok(hit('1')));
      const first = await search('Reset my PIN');
      const again = await search('  reset   MY pin ');
      expect(again).toEqual(first);
      expect(exchange).toHaveBeenCalledTimes(1);
      expect(cacheCounts()).toEqual({ hit: 1, shared: 0, miss: 1 });
    });

    it('keeps "no hit" answers too, and keys by page size', async () => {
      await search('nothing here');
      await search('nothing here');
      expect(exchange).toHaveBeenCalledTimes(1);
      await search('nothing here', 3);
      expect(exchange).toHaveBeenCalledTimes(2);
    });

    it('asks again once the answer is older than EXPERT_CACHE_TTL_MS', async () => {
      // lru-cache treats a start time of 0 as "no expiry"; a real process clock is past 0 long before.
      vi.advanceTimersByTime(1);
      await search('q');
      await vi.advanceTimersByTimeAsync(59_000);
      await search('q');
      expect(exchange).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1_001);
      await search('q');
      expect(exchange).toHaveBeenCalledTimes(2);
    });

    it('keeps at most EXPERT_CACHE_MAX_ENTRIES answers, dropping the least recently used', async () => {
      create({ cacheMaxEntries: 2 });
      await search('a');
      await search('b');
      await search('a');
      await search('c');
      expect(exchange).toHaveBeenCalledTimes(3);
      await search('a');
      await search('c');
      expect(exchange).toHaveBeenCalledTimes(3);
      await search('b');
      expect(exchange).toHaveBeenCalledTimes(4);
    });

    it('keeps nothing with EXPERT_CACHE_TTL_MS=0', async () => {
      create({ cacheTtlMs: 0 });
      await search('q');
      await search('q');
      expect(exchange).toHaveBeenCalledTimes(2);
    });

    it('does not keep failures: the next turn asks again', async () => {
      replies(status(400), ok(hit('1')));
      run(query('q'));
      await vi.advanceTimersByTimeAsync(0);
      expect((await search('q')).map((a) => a.id)).toEqual(['expert-1']);
      expect(exchange).toHaveBeenCalledTimes(2);
    });

    it('shares one request between identical searches in flight', async () => {
      const reply = new Subject<HttpReply>();
      exchange.mockImplementation(() => reply);
      const first = run(query('Reset PIN'));
      const second = run(query('reset pin'));
      reply.next(ok(hit('1')));
      reply.complete();
      await vi.advanceTimersByTimeAsync(0);
      expect(exchange).toHaveBeenCalledTimes(1);
      expect(first.value?.map((a) => a.id)).toEqual(['expert-1']);
      expect(second.value).toEqual(first.value);
      expect(cacheCounts()).toEqual({ hit: 0, shared: 1, miss: 1 });
      expect(counters.get('expert_requests{outcome="success"}')).toBe(1);
    });

    it('aborts a shared request only when no search waits for it any more', async () => {
      const aborted = vi.fn();
      exchange.mockImplementation(() => new Observable<HttpReply>(() => aborted));
      const first = run(query('q'));
      const second = run(query('q'));
      first.subscription.unsubscribe();
      expect(aborted).not.toHaveBeenCalled();
      second.subscription.unsubscribe();
      expect(aborted).toHaveBeenCalledTimes(1);
      expect(counters.get('expert_requests{outcome="cancelled"}')).toBe(1);

      replies(ok(''));
      await search('q');
      expect(exchange).toHaveBeenCalledTimes(2);
    });
  });
});
