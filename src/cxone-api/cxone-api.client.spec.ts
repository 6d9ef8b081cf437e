import type { ConfigService } from '@nestjs/config';
import { type Observable, of, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import type { AuthService } from '../auth/auth.service.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { type ApiCall, CxoneApiClient } from './cxone-api.client.js';
import { CxoneApiErrorCode, CxoneApiException } from './cxone-api.exception.js';
import { type HttpExchange, type HttpReply, type HttpTransport, HttpTransportError } from './http-transport.js';

const configMock = {
  get: (key: string) =>
    ({ http: { timeoutMs: 5000, maxAttempts: 4 }, cxone: { apiBaseUrl: 'https://api.example' } })[key as 'http'],
} as unknown as ConfigService<AppConfig, true>;

const SEARCH: ApiCall = {
  operation: 'knowledge-search',
  method: 'GET',
  path: '/api/v2/knowledge/articles/search',
  params: { q: 'reset pin', language: 'en-US', page: 1, pageSize: 5 },
  scope: 'knowledge:read',
};

type Reply = { status: number; headers?: Record<string, string> } | { data: unknown };

/** Replies given in order, one per request; the last one repeats. */
function replies(...sequence: Reply[]) {
  let index = 0;
  return (): Observable<HttpReply> => {
    const reply = sequence[Math.min(index++, sequence.length - 1)];
    return 'data' in reply
      ? of({ status: 200, headers: {}, body: JSON.stringify(reply.data) })
      : of({ status: reply.status, headers: reply.headers ?? {}, body: '{}' });
  };
}

describe(CxoneApiClient.name, () => {
  let sut: CxoneApiClient;
  let request: Mock<(exchange: HttpExchange) => Observable<HttpReply>>;
  let getToken: Mock<() => Promise<string>>;
  let invalidate: Mock<(token: string) => void>;
  let counters: Counters;
  let issued: number;

  /** Subscribes and records the outcome; the caller advances the fake clock. */
  function run<T>(call: ApiCall) {
    const outcome: { value?: T; error?: unknown; done: boolean } = { done: false };
    sut.call<T>(call).subscribe({
      next: (value) => (outcome.value = value),
      error: (error: unknown) => {
        outcome.error = error;
        outcome.done = true;
      },
      complete: () => (outcome.done = true),
    });
    return outcome;
  }

  const authHeaders = () => request.mock.calls.map(([exchange]) => exchange.headers.Authorization);

  beforeEach(() => {
    vi.useFakeTimers();
    issued = 0;
    request = vi.fn(replies({ data: { entities: [] } }));
    getToken = vi.fn(async () => `token-${++issued}`);
    invalidate = vi.fn();
    counters = new Counters();
    sut = new CxoneApiClient(
      { exchange: request } as unknown as HttpTransport,
      { getToken, invalidate } as unknown as AuthService,
      counters,
      configMock,
    );
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('requests apiBaseUrl + path with the params and returns the reply body', async () => {
    request.mockImplementation(replies({ data: { entities: [{ id: 'a1' }] } }));
    const outcome = run<{ entities: unknown[] }>(SEARCH);
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toEqual({ value: { entities: [{ id: 'a1' }] }, done: true });
    expect(request).toHaveBeenCalledTimes(1);
    const sent = request.mock.calls[0][0];
    expect(sent).toMatchObject({ method: 'GET', headers: { Authorization: 'Bearer token-1' }, timeoutMs: 5000 });
    expect(`${sent.url.origin}${sent.url.pathname}`).toBe('https://api.example/api/v2/knowledge/articles/search');
    expect(Object.fromEntries(sent.url.searchParams)).toEqual({
      q: 'reset pin',
      language: 'en-US',
      page: '1',
      pageSize: '5',
    });
  });

  it('passes custom headers and the body through next to the bearer header', async () => {
    const body = { interactionId: 'i-1', insightId: 'a1', action: 'ACCEPTED' };
    run({
      operation: 'training-feedback',
      method: 'POST',
      path: '/api/v2/ai/training/feedback',
      body,
      headers: { 'Idempotency-Key': 'abc123' },
      scope: 'ai:training:write',
    });
    await vi.advanceTimersByTimeAsync(0);
    const sent = request.mock.calls[0][0];
    expect(sent).toMatchObject({
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Idempotency-Key': 'abc123', Authorization: 'Bearer token-1', 'Content-Type': 'application/json' },
    });
    expect(sent.url.href).toBe('https://api.example/api/v2/ai/training/feedback');
  });

  it('asks for a token on every attempt, so a retry uses a refreshed one', async () => {
    request.mockImplementation(replies({ status: 503 }, { data: 'ok' }));
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(5000);
    expect(outcome).toEqual({ value: 'ok', done: true });
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(authHeaders()).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('on a 401 invalidates the token it used and retries once with a fresh one', async () => {
    request.mockImplementation(replies({ status: 401 }, { data: 'ok' }));
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(0);
    expect(invalidate).toHaveBeenCalledExactlyOnceWith('token-1');
    expect(outcome).toEqual({ value: 'ok', done: true });
    expect(authHeaders()).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(counters.get('http_retries{operation="knowledge-search",cause="unauthorized"}')).toBe(1);
  });

  it('gives up with Unauthorized after a second 401: exactly 2 requests', async () => {
    request.mockImplementation(replies({ status: 401 }));
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(request).toHaveBeenCalledTimes(2);
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(outcome.error).toBeInstanceOf(CxoneApiException);
    expect(outcome.error).toMatchObject({ code: CxoneApiErrorCode.Unauthorized, status: 401 });
  });

  it('waits exactly Retry-After seconds on a 429', async () => {
    request.mockImplementation(replies({ status: 429, headers: { 'retry-after': '2' } }, { data: 'ok' }));
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(1999);
    expect(request).toHaveBeenCalledTimes(1);
    expect(outcome.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(request).toHaveBeenCalledTimes(2);
    expect(outcome).toEqual({ value: 'ok', done: true });
    expect(counters.get('http_retries{operation="knowledge-search",cause="rate-limited"}')).toBe(1);
  });

  it('retries a 503 with growing backoff until maxAttempts, then RetriesExhausted: exactly 4 requests', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // no jitter: 200, 400, 800 ms
    request.mockImplementation(replies({ status: 503 }));
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(0);
    expect(request).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(request).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(request).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(399);
    expect(request).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(request).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(800);
    expect(request).toHaveBeenCalledTimes(4);
    expect(outcome.error).toMatchObject({ code: CxoneApiErrorCode.RetriesExhausted, status: 503 });
    expect((outcome.error as Error).message).toBe('knowledge-search: 4 attempts failed (last: HTTP 503)');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(request).toHaveBeenCalledTimes(4);
    expect(counters.get('http_failures{operation="knowledge-search",cause="exhausted"}')).toBe(1);
  });

  it('lets a call override maxAttempts', async () => {
    request.mockImplementation(replies({ status: 503 }));
    const outcome = run({ ...SEARCH, maxAttempts: 2 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(request).toHaveBeenCalledTimes(2);
    expect(outcome.error).toMatchObject({ code: CxoneApiErrorCode.RetriesExhausted });

    request.mockClear();
    const longer = run({ ...SEARCH, maxAttempts: 6 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(request).toHaveBeenCalledTimes(6);
    expect(longer.error).toMatchObject({ code: CxoneApiErrorCode.RetriesExhausted });
  });

  it('fails a 403 at once with Forbidden, naming the scope: 1 request', async () => {
    request.mockImplementation(replies({ status: 403 }));
    const outcome = run({ ...SEARCH, scope: 'agentassist:write' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(request).toHaveBeenCalledTimes(1);
    expect(outcome.error).toMatchObject({ code: CxoneApiErrorCode.Forbidden, status: 403 });
    expect((outcome.error as Error).message).toContain('agentassist:write');
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('fails a 400 at once with Rejected: 1 request', async () => {
    request.mockImplementation(replies({ status: 400 }));
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(request).toHaveBeenCalledTimes(1);
    expect(outcome.error).toMatchObject({ code: CxoneApiErrorCode.Rejected, status: 400 });
  });

  it('fails with NoToken, without a request, when no token can be obtained', async () => {
    getToken.mockRejectedValue(new Error('token endpoint down'));
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(request).not.toHaveBeenCalled();
    expect(outcome.error).toBeInstanceOf(CxoneApiException);
    expect(outcome.error).toMatchObject({ code: CxoneApiErrorCode.NoToken, operation: 'knowledge-search' });
  });

  it('retries a dropped connection and a timeout, counting each cause', async () => {
    let attempt = 0;
    request.mockImplementation(() => {
      attempt++;
      if (attempt === 1) return throwError(() => new HttpTransportError('network', 'ECONNRESET'));
      if (attempt === 2) return throwError(() => new HttpTransportError('timeout', 'no complete reply'));
      return of({ status: 200, headers: {}, body: '{"entities":[]}' });
    });
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(outcome).toEqual({ value: { entities: [] }, done: true });
    expect(counters.get('http_retries{operation="knowledge-search",cause="network"}')).toBe(1);
    expect(counters.get('http_retries{operation="knowledge-search",cause="timeout"}')).toBe(1);
  });

  it('refuses a 2xx reply that is not JSON, without retrying it', async () => {
    request.mockImplementation(() => of({ status: 200, headers: {}, body: '<html>maintenance</html>' }));
    const outcome = run(SEARCH);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(request).toHaveBeenCalledTimes(1);
    expect(outcome.error).toMatchObject({
      code: CxoneApiErrorCode.Rejected,
      message: 'knowledge-search: reply is not JSON',
    });
  });
});
