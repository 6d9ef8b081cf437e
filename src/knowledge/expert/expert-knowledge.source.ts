import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { defer, finalize, map, type Observable, of, retry, tap, throwError, timer } from 'rxjs';
import { Counters } from '../../common/counters.js';
import { SummarizedLog } from '../../common/summarized-log.js';
import type { AppConfig } from '../../config/app-config.js';
import { ConfigErrorCode, ConfigException } from '../../config/config.exception.js';
import { type HttpReply, HttpTransport, HttpTransportError } from '../../cxone-api/http-transport.js';
import { decideRetry, HttpStatusError, type RetryDecision } from '../../cxone-api/retry-decision.js';
import type { Article } from '../../domain/article.js';
import { KnowledgeErrorCode, KnowledgeException } from '../knowledge.exception.js';
import type { KnowledgeQuery, KnowledgeSource } from '../knowledge-source.js';
import { EXPERT_REFUSAL_HINT, expertSays } from './expert-refusal.js';
import { parseExpertReply } from './expert-reply.js';
import { type CacheLookup, ExpertSearchCache, normalizeQuery } from './expert-search-cache.js';
import { type ExpertServerCredentials, expertServerToken } from './expert-server-token.js';

const QUERY_PATH = '/@api/deki/site/query';
const BACKOFF = { initialMs: 200, maxMs: 5000 };
/** A search reply is a page of short previews; a larger one is not a reply the service can use. */
const MAX_REPLY_BYTES = 1024 * 1024;
/** About 64 MB of cached text at most (two bytes a character), whatever EXPERT_CACHE_MAX_ENTRIES allows. */
const MAX_CACHED_CHARS = 32 * 1024 * 1024;
const HEADERS = { Accept: 'application/json', 'User-Agent': 'cxone-agent-assist' };

/** `expert_requests{outcome}`: how one search (retries included) ended. */
export type ExpertOutcome =
  'success' | 'forbidden' | 'unauthorized' | 'rejected' | 'invalid-reply' | 'exhausted' | 'error' | 'cancelled';

const OUTCOME_OF: Record<KnowledgeErrorCode, ExpertOutcome> = {
  [KnowledgeErrorCode.ExpertForbidden]: 'forbidden',
  [KnowledgeErrorCode.ExpertUnauthorized]: 'unauthorized',
  [KnowledgeErrorCode.ExpertRejected]: 'rejected',
  [KnowledgeErrorCode.ExpertInvalidReply]: 'invalid-reply',
  [KnowledgeErrorCode.ExpertUnavailable]: 'exhausted',
};

type GiveUp = Extract<RetryDecision, { kind: 'give-up' }>;

/**
 * CXone Expert's search (`GET {site}/@api/deki/site/query`, KB_PROVIDER=expert), signed with a fresh
 * server token per request. Answers are cached per normalised query (each search is a billable
 * HelpRequest). A failed search errors with a KnowledgeException, so the pipeline counts an assist
 * failure for the turn; the reason is logged here once per window, never with the query or a credential.
 */
@Injectable()
export class ExpertKnowledgeSource implements KnowledgeSource {
  private readonly logger = new Logger(ExpertKnowledgeSource.name);
  private readonly warnings = new SummarizedLog(this.logger);
  /** A refused token stops every search until someone fixes the configuration: an error, not a warning. */
  private readonly refusals = new SummarizedLog({ warn: (line) => this.logger.error(line) });
  private readonly credentials: ExpertServerCredentials;
  private readonly queryUrl: string;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly cache: ExpertSearchCache;

  constructor(
    private readonly http: HttpTransport,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    const { expert } = config.get('knowledge', { infer: true });
    if (!expert.siteUrl || !expert.key || !expert.secret || !expert.user) throw notConfigured();
    this.credentials = { key: expert.key, secret: expert.secret, user: expert.user };
    this.queryUrl = `${expert.siteUrl}${QUERY_PATH}`;
    ({ maxAttempts: this.maxAttempts, timeoutMs: this.timeoutMs } = config.get('http', { infer: true }));
    this.cache = new ExpertSearchCache({
      ttlMs: expert.cacheTtlMs,
      maxEntries: expert.cacheMaxEntries,
      maxChars: MAX_CACHED_CHARS,
    });
  }

  search(query: KnowledgeQuery): Observable<Article[]> {
    // Sent as normalised, so a cached answer is exactly what Expert gives for its key.
    const text = normalizeQuery(query.text);
    if (text === '') return of([]);
    return this.cache.lookup(
      `${query.pageSize}\n${text}`,
      () => this.searchExpert(text, query.pageSize),
      (lookup: CacheLookup) => this.counters.count('knowledge_cache', { result: lookup }),
    );
  }

  private searchExpert(text: string, limit: number): Observable<Article[]> {
    let failures = 0;
    let outcome: ExpertOutcome | undefined;
    const startedAt = performance.now();
    return defer(() => this.http.exchange(this.exchangeFor(text, limit))).pipe(
      map((reply) => this.successOrThrow(reply)),
      retry({
        delay: (error: unknown) => {
          failures++;
          const decision = decideRetry(error, {
            attempt: failures,
            maxAttempts: this.maxAttempts,
            // No token to refresh: a new server token is signed for every attempt anyway.
            tokenRefreshed: true,
            backoff: BACKOFF,
          });
          if (decision.kind === 'give-up') return throwError(() => giveUp(decision, error, failures));
          // Never asked for (tokenRefreshed above): there is no token to refresh, so the error stands.
          if (decision.kind === 'refresh-token') return throwError(() => error);
          this.counters.count('expert_retries', { cause: decision.cause });
          return timer(decision.delayMs);
        },
      }),
      map((reply) => parseExpertReply(reply.body, limit)),
      tap({
        next: () => (outcome ??= 'success'),
        error: (error: unknown) => (outcome ??= this.reportFailure(error)),
      }),
      // The whole search, retries and backoff included: what the turn actually waited for.
      finalize(() => this.record(outcome ?? 'cancelled', startedAt)),
    );
  }

  /** Signed now: a retry after a backoff carries a token as fresh as the first attempt's. */
  private exchangeFor(text: string, limit: number) {
    const url = new URL(this.queryUrl);
    url.searchParams.set('q', text);
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('dream.out.format', 'json');
    return {
      method: 'GET' as const,
      url,
      headers: { ...HEADERS, 'X-Deki-Token': expertServerToken(this.credentials, Date.now()) },
      timeoutMs: this.timeoutMs,
      maxResponseBytes: MAX_REPLY_BYTES,
    };
  }

  private reportFailure(error: unknown): ExpertOutcome {
    if (!(error instanceof KnowledgeException)) {
      this.warnings.warn('failed Expert searches', { msg: `Expert search failed: ${String(error)}` });
      return 'error';
    }
    const outcome = OUTCOME_OF[error.code];
    const line = { msg: `Expert search failed: ${error.message}`, outcome, status: error.status };
    if (outcome === 'forbidden' || outcome === 'unauthorized') {
      this.refusals.warn('refused Expert searches', { ...line, msg: `${line.msg}. ${EXPERT_REFUSAL_HINT}` });
    } else this.warnings.warn(`failed Expert searches (${outcome})`, line);
    return outcome;
  }

  /** A 2xx reply goes on; any other status becomes the error the retry rules judge. */
  private successOrThrow(reply: HttpReply): HttpReply {
    if (reply.status >= 200 && reply.status < 300) return reply;
    const retryAfter = reply.headers['retry-after'];
    const said = expertSays(reply.body, [this.credentials.secret]);
    throw new ExpertStatusError(reply.status, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, said);
  }

  private record(outcome: ExpertOutcome, startedAt: number): void {
    this.counters.count('expert_requests', { outcome });
    this.counters.observe('expert_request_duration_seconds', { outcome }, (performance.now() - startedAt) / 1000);
  }
}

/** A refusal or failure status, with what Expert said about it (already cleaned for a log line). */
class ExpertStatusError extends HttpStatusError {
  constructor(
    status: number,
    retryAfter: string | undefined,
    readonly expertMessage: string | undefined,
  ) {
    super(status, retryAfter);
  }
}

/** The exception a final retry decision stands for; its message names no query, URL or credential. */
function giveUp(decision: GiveUp, error: unknown, attempts: number): KnowledgeException {
  const { status } = decision;
  const said = error instanceof ExpertStatusError ? error.expertMessage : undefined;
  const withSaid = (text: string) => (said ? `${text}: ${said}` : text);
  switch (decision.cause) {
    case 'forbidden':
      return new KnowledgeException(
        KnowledgeErrorCode.ExpertForbidden,
        withSaid('server token refused (HTTP 403)'),
        status,
      );
    case 'unauthorized':
      return new KnowledgeException(
        KnowledgeErrorCode.ExpertUnauthorized,
        withSaid('server token refused (HTTP 401)'),
        status,
      );
    case 'rejected':
      if (error instanceof HttpTransportError && error.kind === 'too-large') {
        return new KnowledgeException(
          KnowledgeErrorCode.ExpertInvalidReply,
          `the reply is too large (${error.message})`,
        );
      }
      return new KnowledgeException(
        KnowledgeErrorCode.ExpertRejected,
        withSaid(`request refused (HTTP ${status})`),
        status,
      );
    case 'exhausted': {
      const last = status ? `HTTP ${status}` : error instanceof HttpTransportError ? error.message : 'no answer';
      return new KnowledgeException(
        KnowledgeErrorCode.ExpertUnavailable,
        `${attempts} attempts failed (last: ${last})`,
        status,
      );
    }
  }
}

/** Sandbox mode does not check the EXPERT_* variables; reaching Expert without them is a start-up error. */
function notConfigured(): ConfigException {
  const variables = ['EXPERT_SITE_URL', 'EXPERT_KEY', 'EXPERT_SECRET', 'EXPERT_USER'];
  return new ConfigException(
    ConfigErrorCode.InvalidEnvironment,
    `Invalid configuration (${variables.join(', ')}): expected, since KB_PROVIDER=expert`,
    variables,
  );
}
