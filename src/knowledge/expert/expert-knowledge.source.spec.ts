import { createHmac } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpTransportError } from '../../cxone-api/http-transport.js';
import { KnowledgeErrorCode, KnowledgeException } from '../knowledge.exception.js';
import { ExpertKnowledgeSource } from './expert-knowledge.source.js';
import { ExpertSourceBench, hit, NOW, ok, query, SECRET, SITE, status } from './expert-spec-kit.js';

describe(ExpertKnowledgeSource.name, () => {
  const bench = new ExpertSourceBench();
  const epochOf = (i = 0) => Number(/^tkn_key1_(\d+)_/.exec(bench.sent(i).headers['X-Deki-Token'])?.[1]);

  beforeEach(() => bench.setUp());
  afterEach(() => bench.tearDown());

  describe('the request', () => {
    it('asks site/query for the normalised query, the page size and JSON, signed with a server token', async () => {
      await firstValueFrom(bench.sut.search(query('  How do I   RESET\tmy PIN? ', 7)));
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      const { method, url, headers, maxResponseBytes } = bench.sent();
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
      bench.replies(status(429, { 'retry-after': '3' }), ok(''));
      bench.run(query('first'));
      await vi.advanceTimersByTimeAsync(7000);
      bench.run(query('second'));
      await vi.advanceTimersByTimeAsync(0);
      expect(bench.exchange).toHaveBeenCalledTimes(3);
      expect([epochOf(0), epochOf(1), epochOf(2)]).toEqual([NOW / 1000, NOW / 1000 + 3, NOW / 1000 + 7]);
    });

    it('refuses to start without the Expert settings (sandbox mode does not check them)', () => {
      for (const unset of ['siteUrl', 'key', 'secret', 'user']) {
        expect(() => bench.create({ [unset]: '' }), unset).toThrow(
          expect.objectContaining({ name: 'ConfigException', variables: expect.arrayContaining(['EXPERT_SITE_URL']) }),
        );
      }
    });

    it('sends nothing for a query that is only whitespace', async () => {
      expect(await firstValueFrom(bench.sut.search(query(' \n\t ')))).toEqual([]);
      expect(bench.exchange).not.toHaveBeenCalled();
    });
  });

  describe('replies', () => {
    it('turns one hit, several hits and "" into articles', async () => {
      bench.replies(ok(hit('1')), ok([hit('2'), hit('3')]), ok(''));
      const ids = async (text: string) => (await firstValueFrom(bench.sut.search(query(text)))).map((a) => a.id);
      expect(await ids('one')).toEqual(['expert-1']);
      expect(await ids('two')).toEqual(['expert-2', 'expert-3']);
      expect(await ids('none')).toEqual([]);
      expect(bench.counters.get('expert_requests{outcome="success"}')).toBe(3);
    });

    it('rejects an HTML reply: an error for the turn, counted, logged once per window, not cached', async () => {
      bench.replies({
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><body>Sign in</body></html>',
      });
      const first = bench.run(query('reset pin'));
      const second = bench.run(query('reset pin'));
      await vi.advanceTimersByTimeAsync(0);
      expect(first.error).toBeInstanceOf(KnowledgeException);
      expect(first.error).toMatchObject({ code: KnowledgeErrorCode.ExpertInvalidReply });
      expect(second.error).toMatchObject({ code: KnowledgeErrorCode.ExpertInvalidReply });
      expect(bench.exchange).toHaveBeenCalledTimes(2);
      expect(bench.counters.get('expert_requests{outcome="invalid-reply"}')).toBe(2);
      expect(bench.warnLog).toHaveBeenCalledTimes(1);
      expect(bench.logged()).toContain('the reply is HTML or XML, not JSON');
      expect(bench.logged()).not.toContain('reset pin');

      bench.replies(ok(hit('9')));
      expect((await firstValueFrom(bench.sut.search(query('reset pin')))).map((a) => a.id)).toEqual(['expert-9']);
    });

    it('gives up on a reply larger than the cap at once, as an invalid reply', async () => {
      bench.replies(new HttpTransportError('too-large', 'reply over 1048576 bytes'));
      const outcome = bench.run(query('big'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      expect(outcome.error).toMatchObject({ code: KnowledgeErrorCode.ExpertInvalidReply });
      expect(bench.counters.get('expert_requests{outcome="invalid-reply"}')).toBe(1);
    });
  });

  describe('refusals and retries', () => {
    const refusal = JSON.stringify({
      '@status': '403',
      exception: 'MindTouch.Deki.Exceptions.ForbiddenException',
      message: `X-Deki-Token refused (stale) tkn_key1_1_=assist_abc ${SECRET}`,
    });

    it('fails a 403 at once, logging at error once per window what is probably wrong, without secrets', async () => {
      bench.replies(status(403, {}, refusal));
      const first = bench.run(query('reset pin'));
      bench.run(query('other question'));
      await vi.advanceTimersByTimeAsync(0);
      expect(bench.exchange).toHaveBeenCalledTimes(2);
      expect(first.error).toMatchObject({ code: KnowledgeErrorCode.ExpertForbidden, status: 403 });
      expect(bench.counters.get('expert_requests{outcome="forbidden"}')).toBe(2);
      expect(bench.errorLog).toHaveBeenCalledTimes(1);
      const line = bench.logged();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(bench.errorLog).toHaveBeenCalledTimes(2);
      expect(bench.errorLog.mock.calls[1][0]).toBe(
        '1 more refused Expert searches in the last 10 s (one line per 10 s)',
      );
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
      bench.replies(status(401));
      const outcome = bench.run(query('q'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      expect(outcome.error).toMatchObject({ code: KnowledgeErrorCode.ExpertUnauthorized, status: 401 });
      expect(bench.counters.get('expert_requests{outcome="unauthorized"}')).toBe(1);
      expect(bench.logged()).toContain('EXPERT_USER');
    });

    it('fails another 4xx at once as rejected', async () => {
      bench.replies(status(400, {}, '{"message":"parameter \'q\' is required"}'));
      const outcome = bench.run(query('q'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      expect(outcome.error).toMatchObject({ code: KnowledgeErrorCode.ExpertRejected, status: 400 });
      expect((outcome.error as Error).message).toBe("request refused (HTTP 400): parameter 'q' is required");
    });

    it('waits Retry-After on a 429, then succeeds', async () => {
      bench.replies(status(429, { 'retry-after': '2' }), ok(hit('1')));
      const outcome = bench.run(query('q'));
      await vi.advanceTimersByTimeAsync(1999);
      expect(bench.exchange).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(bench.exchange).toHaveBeenCalledTimes(2);
      expect(outcome.value?.map((a) => a.id)).toEqual(['expert-1']);
      expect(bench.counters.get('expert_retries{cause="rate-limited"}')).toBe(1);
    });

    it('retries a 503 with backoff up to HTTP_MAX_ATTEMPTS, then fails as unavailable', async () => {
      bench.replies(status(503));
      const outcome = bench.run(query('q'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(bench.exchange).toHaveBeenCalledTimes(4);
      expect(outcome.error).toMatchObject({ code: KnowledgeErrorCode.ExpertUnavailable, status: 503 });
      expect((outcome.error as Error).message).toBe('4 attempts failed (last: HTTP 503)');
      expect(bench.counters.get('expert_retries{cause="server-error"}')).toBe(3);
      expect(bench.counters.get('expert_requests{outcome="exhausted"}')).toBe(1);
    });
  });
});
