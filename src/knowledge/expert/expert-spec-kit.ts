import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { type Observable, of, throwError } from 'rxjs';
import { type Mock, vi } from 'vitest';
import { Counters } from '../../common/counters.js';
import type { AppConfig } from '../../config/app-config.js';
import type { HttpExchange, HttpReply, HttpTransport } from '../../cxone-api/http-transport.js';
import type { Article } from '../../domain/article.js';
import type { KnowledgeQuery } from '../knowledge-source.js';
import { ExpertKnowledgeSource } from './expert-knowledge.source.js';

export const SITE = 'https://help.example.com';
export const SECRET = 'expert-secret-Qz81';
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const EXPERT = {
  siteUrl: SITE,
  key: 'key1',
  secret: SECRET,
  user: '=assist',
  cacheTtlMs: 60_000,
  cacheMaxEntries: 100,
};

export type ExpertSettings = AppConfig['knowledge']['expert'];

export const hit = (id: string) => ({
  id,
  title: `Page ${id}`,
  uri: `${SITE}/@go/page/${id}`,
  rank: '3',
  preview: `<p>page ${id}</p>`,
  page: { title: `Page ${id}`, 'uri.ui': `${SITE}/Knowledge/P${id}`, path: `Knowledge/P${id}` },
});

export const ok = (result: unknown): HttpReply => ({
  status: 200,
  headers: {},
  body: JSON.stringify({ '@count': '1', result }),
});

export const status = (code: number, headers: Record<string, string> = {}, body = ''): HttpReply => ({
  status: code,
  headers,
  body,
});

export const query = (text: string, pageSize = 5): KnowledgeQuery => ({ text, language: 'en-US', pageSize });

/**
 * An ExpertKnowledgeSource on a mocked transport, fake timers (the performance clock too: the cache's TTL
 * runs on it), fresh counters and captured error and warn lines. `setUp` in beforeEach, `tearDown` after.
 */
export class ExpertSourceBench {
  sut!: ExpertKnowledgeSource;
  exchange!: Mock<(exchange: HttpExchange) => Observable<HttpReply>>;
  counters!: Counters;
  errorLog!: Mock;
  warnLog!: Mock;

  setUp(): void {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    vi.setSystemTime(NOW);
    this.exchange = vi.fn();
    this.replies(ok(''));
    this.counters = new Counters();
    this.errorLog = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined) as unknown as Mock;
    this.warnLog = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined) as unknown as Mock;
    this.create();
  }

  tearDown(): void {
    vi.restoreAllMocks();
    vi.useRealTimers();
  }

  create(expert: Partial<ExpertSettings> = {}): ExpertKnowledgeSource {
    const settings = { http: { timeoutMs: 5000, maxAttempts: 4 }, knowledge: { expert: { ...EXPERT, ...expert } } };
    const config = { get: (key: 'http') => settings[key] } as unknown as ConfigService<AppConfig, true>;
    this.sut = new ExpertKnowledgeSource(
      { exchange: this.exchange } as unknown as HttpTransport,
      this.counters,
      config,
    );
    return this.sut;
  }

  /** Replies in order, one per request; the last one repeats. */
  replies(...sequence: (HttpReply | Error)[]): void {
    let index = 0;
    this.exchange.mockImplementation(() => {
      const reply = sequence[Math.min(index++, sequence.length - 1)];
      return reply instanceof Error ? throwError(() => reply) : of(reply);
    });
  }

  /** Subscribes and records the outcome; the caller advances the fake clock. */
  run(q: KnowledgeQuery) {
    const outcome: { value?: Article[]; error?: unknown; done: boolean } = { done: false };
    const subscription = this.sut.search(q).subscribe({
      next: (value) => (outcome.value = value),
      error: (error: unknown) => Object.assign(outcome, { error, done: true }),
      complete: () => (outcome.done = true),
    });
    return Object.assign(outcome, { subscription });
  }

  sent(i = 0): HttpExchange {
    return this.exchange.mock.calls[i][0];
  }

  /** Every error and warn line so far, as one string to search. */
  logged(): string {
    return JSON.stringify([...this.errorLog.mock.calls, ...this.warnLog.mock.calls]);
  }
}
