import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { defer, finalize, from, map, type Observable, retry, switchMap, tap, throwError, timer } from 'rxjs';
import { AuthService } from '../auth/auth.service.js';
import { parseRetryAfter } from '../common/backoff.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { CxoneApiErrorCode, CxoneApiException } from './cxone-api.exception.js';
import type { CallOutcome, CxoneOperation } from '../metrics/metric-catalog.js';
import { type HttpReply, HttpTransport } from './http-transport.js';
import { decideRetry, HttpStatusError } from './retry-decision.js';

export interface ApiCall {
  /** Short name for logs and counters, e.g. `knowledge-search`. */
  operation: CxoneOperation;
  method: 'GET' | 'POST';
  path: string;
  params?: Record<string, string | number>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The OAuth scope a 403 most probably means is missing. */
  scope: string;
  maxAttempts?: number;
  /** A conditional poll: 304 Not Modified is an answer (the call then yields undefined), not a failure. */
  notModifiedIsAnswer?: boolean;
}

const REST_BACKOFF = { initialMs: 200, maxMs: 5000 };
/** A CXone reply larger than this is not one the service can use. */
const MAX_REPLY_BYTES = 2 * 1024 * 1024;
const JSON_HEADERS = { Accept: 'application/json', 'User-Agent': 'cxone-agent-assist' };

/**
 * Every CXone REST call goes through here: bearer token per attempt, timeouts, and the contract's
 * retry rules (see decideRetry). Returns a cold observable of the reply body.
 */
@Injectable()
export class CxoneApiClient {
  private readonly logger = new Logger(CxoneApiClient.name);
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly configuredBaseUrl?: string;

  constructor(
    private readonly http: HttpTransport,
    private readonly auth: AuthService,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.configuredBaseUrl = config.get('cxone', { infer: true }).apiBaseUrl;
    const settings = config.get('http', { infer: true });
    this.maxAttempts = settings.maxAttempts;
    this.timeoutMs = settings.timeoutMs;
  }

  call<T>(call: ApiCall): Observable<T> {
    let failures = 0;
    let tokenRefreshed = false;
    let tokenUsed = '';
    const maxAttempts = call.maxAttempts ?? this.maxAttempts;
    const startedAt = performance.now();
    let outcome: CallOutcome | undefined;
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = { ...JSON_HEADERS, ...call.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return defer(() => from(this.tokenFor(call))).pipe(
      switchMap((token) => {
        tokenUsed = token;
        return this.http.exchange({
          method: call.method,
          url: this.urlOf(call),
          headers: { ...headers, Authorization: `Bearer ${token}` },
          body,
          timeoutMs: this.timeoutMs,
          maxResponseBytes: MAX_REPLY_BYTES,
        });
      }),
      map((reply) => this.successOrThrow(reply, call)),
      retry({
        delay: (error: unknown) => {
          if (error instanceof CxoneApiException) return throwError(() => error);
          failures++;
          const decision = decideRetry(error, {
            attempt: failures,
            maxAttempts,
            tokenRefreshed,
            backoff: REST_BACKOFF,
          });
          switch (decision.kind) {
            case 'refresh-token':
              tokenRefreshed = true;
              this.counters.count('http_retries', { operation: call.operation, cause: 'unauthorized' });
              this.auth.invalidate(tokenUsed);
              return timer(0);
            case 'retry':
              this.counters.count('http_retries', { operation: call.operation, cause: decision.cause });
              this.logger.debug({
                msg: `${call.operation}: ${decision.cause}, retry ${failures} in ${decision.delayMs} ms`,
                operation: call.operation,
              });
              return timer(decision.delayMs);
            case 'give-up':
              return throwError(() =>
                this.giveUp(call, decision.cause, decision.status, retryAfterOf(error), failures),
              );
          }
        },
      }),
      map((reply) => (reply.status === 304 ? (undefined as T) : parseJson<T>(reply.body, call))),
      tap({
        complete: () => (outcome ??= 'success'),
        error: (error: unknown) => (outcome ??= outcomeOf(error)),
      }),
      // The whole call, retries and backoff included: what the assist loop actually waited for.
      finalize(() => this.record(call.operation, outcome ?? 'cancelled', startedAt)),
    );
  }

  /** CXONE_API_BASE_URL when set, else the API host the sign-in found (access-key: cxone-configuration). */
  private urlOf(call: ApiCall): URL {
    const base = this.configuredBaseUrl ?? this.auth.apiBaseUrl();
    if (base === undefined) throw this.giveUp(call, 'no-token');
    const url = new URL(`${base}${call.path}`);
    for (const [name, value] of Object.entries(call.params ?? {})) url.searchParams.set(name, String(value));
    return url;
  }

  /** A 2xx reply goes on; any other status becomes the error the retry rules judge. */
  private successOrThrow(reply: HttpReply, call: ApiCall): HttpReply {
    if (reply.status >= 200 && reply.status < 300) return reply;
    if (reply.status === 304 && call.notModifiedIsAnswer) return reply;
    const retryAfter = reply.headers['retry-after'];
    throw new HttpStatusError(reply.status, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  }

  private record(operation: CxoneOperation, outcome: CallOutcome, startedAt: number): void {
    this.counters.count('cxone_requests', { operation, outcome });
    this.counters.observe(
      'cxone_request_duration_seconds',
      { operation, outcome },
      (performance.now() - startedAt) / 1000,
    );
  }

  private async tokenFor(call: ApiCall): Promise<string> {
    try {
      return await this.auth.getToken();
    } catch {
      throw this.giveUp(call, 'no-token');
    }
  }

  private giveUp(
    call: ApiCall,
    cause: 'forbidden' | 'unauthorized' | 'rejected' | 'exhausted' | 'no-token',
    status?: number,
    retryAfterMs?: number,
    attempts = 1,
  ): CxoneApiException {
    this.counters.count('http_failures', { operation: call.operation, cause });
    const statusText = status ? `HTTP ${status}` : 'no answer';
    switch (cause) {
      case 'forbidden':
        this.logger.error({
          msg: `${call.operation}: forbidden (HTTP 403); the OAuth client probably lacks the '${call.scope}' scope`,
          operation: call.operation,
          scope: call.scope,
        });
        return new CxoneApiException(
          CxoneApiErrorCode.Forbidden,
          call.operation,
          `forbidden: missing scope '${call.scope}'?`,
          status,
        );
      case 'unauthorized':
        return new CxoneApiException(
          CxoneApiErrorCode.Unauthorized,
          call.operation,
          'token rejected even after a refresh',
          status,
        );
      case 'rejected':
        return new CxoneApiException(
          CxoneApiErrorCode.Rejected,
          call.operation,
          `request refused (${statusText})`,
          status,
        );
      case 'no-token':
        this.logger.warn({ msg: `${call.operation}: no access token could be obtained`, operation: call.operation });
        return new CxoneApiException(CxoneApiErrorCode.NoToken, call.operation, 'no access token could be obtained');
      case 'exhausted':
        return new CxoneApiException(
          CxoneApiErrorCode.RetriesExhausted,
          call.operation,
          `${attempts} attempts failed (last: ${statusText})`,
          status,
          retryAfterMs,
        );
    }
  }
}

const OUTCOMES: Record<CxoneApiErrorCode, CallOutcome> = {
  [CxoneApiErrorCode.Forbidden]: 'forbidden',
  [CxoneApiErrorCode.Unauthorized]: 'unauthorized',
  [CxoneApiErrorCode.Rejected]: 'rejected',
  [CxoneApiErrorCode.RetriesExhausted]: 'exhausted',
  [CxoneApiErrorCode.NoToken]: 'no-token',
};

function outcomeOf(error: unknown): CallOutcome {
  return error instanceof CxoneApiException ? OUTCOMES[error.code] : 'error';
}

/** The wait a 429 asked for, so whoever retries later (the feedback store) still honours it. */
function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof HttpStatusError) || error.status !== 429) return undefined;
  return parseRetryAfter(error.retryAfter);
}

/** An empty body is no data; anything else must be JSON. */
function parseJson<T>(body: string, call: ApiCall): T {
  if (body.length === 0) return undefined as T;
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new CxoneApiException(CxoneApiErrorCode.Rejected, call.operation, 'reply is not JSON');
  }
}
