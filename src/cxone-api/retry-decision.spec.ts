import { describe, expect, it } from 'vitest';
import { HttpTransportError } from './http-transport.js';
import { decideRetry, HttpStatusError, type RetryContext } from './retry-decision.js';

function httpError(status: number, headers: Record<string, string> = {}): HttpStatusError {
  return new HttpStatusError(status, headers['retry-after']);
}

const ctx = (overrides: Partial<RetryContext> = {}): RetryContext => ({
  attempt: 1,
  maxAttempts: 4,
  tokenRefreshed: false,
  backoff: { initialMs: 200, maxMs: 5000 },
  random: () => 1,
  now: Date.parse('2026-11-24T10:00:00Z'),
  ...overrides,
});

describe(decideRetry.name, () => {
  it('honours Retry-After on 429, in seconds or as a date', () => {
    expect(decideRetry(httpError(429, { 'retry-after': '2' }), ctx())).toEqual({
      kind: 'retry',
      delayMs: 2000,
      cause: 'rate-limited',
    });
    expect(decideRetry(httpError(429, { 'retry-after': 'Tue, 24 Nov 2026 10:00:03 GMT' }), ctx())).toMatchObject({
      delayMs: 3000,
    });
  });

  it('falls back to backoff on 429 without Retry-After', () => {
    expect(decideRetry(httpError(429), ctx({ attempt: 2 }))).toEqual({
      kind: 'retry',
      delayMs: 400,
      cause: 'rate-limited',
    });
  });

  it('backs off exponentially on 5xx, 408 and network errors', () => {
    expect(decideRetry(httpError(503), ctx({ attempt: 1 }))).toEqual({
      kind: 'retry',
      delayMs: 200,
      cause: 'server-error',
    });
    expect(decideRetry(httpError(500), ctx({ attempt: 3 }))).toEqual({
      kind: 'retry',
      delayMs: 800,
      cause: 'server-error',
    });
    expect(decideRetry(httpError(408), ctx())).toMatchObject({ kind: 'retry', cause: 'timeout' });
    expect(decideRetry(new HttpTransportError('network', 'ECONNRESET'), ctx())).toMatchObject({
      kind: 'retry',
      cause: 'network',
    });
    expect(decideRetry(new HttpTransportError('timeout', 'no complete reply'), ctx())).toMatchObject({
      kind: 'retry',
      cause: 'timeout',
    });
  });

  it('gives up at once on a reply too large to read: it would be as large again', () => {
    expect(decideRetry(new HttpTransportError('too-large', 'reply over 2 MB'), ctx())).toEqual({
      kind: 'give-up',
      cause: 'rejected',
    });
  });

  it('refreshes the token once on 401, then gives up', () => {
    expect(decideRetry(httpError(401), ctx())).toEqual({ kind: 'refresh-token' });
    expect(decideRetry(httpError(401), ctx({ tokenRefreshed: true }))).toMatchObject({
      kind: 'give-up',
      cause: 'unauthorized',
    });
  });

  it('treats 403 and other 4xx as final at once', () => {
    expect(decideRetry(httpError(403), ctx())).toEqual({ kind: 'give-up', status: 403, cause: 'forbidden' });
    expect(decideRetry(httpError(400), ctx())).toEqual({ kind: 'give-up', status: 400, cause: 'rejected' });
    expect(decideRetry(httpError(404), ctx())).toMatchObject({ cause: 'rejected' });
  });

  it('stops once the attempts are used up', () => {
    expect(decideRetry(httpError(503), ctx({ attempt: 4 }))).toEqual({
      kind: 'give-up',
      status: 503,
      cause: 'exhausted',
    });
    expect(decideRetry(httpError(429), ctx({ attempt: 4 }))).toMatchObject({ kind: 'give-up', cause: 'exhausted' });
  });
});
