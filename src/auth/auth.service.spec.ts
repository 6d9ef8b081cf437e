import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import { AuthErrorCode, AuthException } from './auth.exception.js';
import { AuthService } from './auth.service.js';
import type { TokenSource } from './token-source.js';

describe(AuthService.name, () => {
  let sut: AuthService;
  let requestToken: ReturnType<typeof vi.fn>;
  let issued: number;

  const unavailable = new AuthException(AuthErrorCode.TokenEndpointUnavailable, 'down');
  const issue = (expiresInSeconds: number) => async () => ({ accessToken: `token-${++issued}`, expiresInSeconds });

  beforeEach(() => {
    vi.useFakeTimers();
    issued = 0;
    requestToken = vi.fn(issue(3600));
    sut = new AuthService({ endpoint: 'auth.example.com', requestToken } as unknown as TokenSource, new Counters());
  });

  afterEach(() => {
    sut.onApplicationShutdown();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('caches the token while it is fresh', async () => {
    expect(await sut.getToken()).toBe('token-1');
    vi.advanceTimersByTime(60_000);
    expect(await sut.getToken()).toBe('token-1');
    expect(requestToken).toHaveBeenCalledTimes(1);
  });

  it('runs one refresh for many concurrent callers', async () => {
    const tokens = await Promise.all(Array.from({ length: 50 }, () => sut.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(requestToken).toHaveBeenCalledTimes(1);
  });

  it('refreshes in the background 5 minutes before a one-hour token expires', async () => {
    await sut.getToken();
    await vi.advanceTimersByTimeAsync(3600_000 - 300_000 - 1000);
    expect(requestToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(requestToken).toHaveBeenCalledTimes(2);
    expect(await sut.getToken()).toBe('token-2');
  });

  it('refreshes a short-lived token at a fraction of its life, not 5 minutes ahead', async () => {
    requestToken.mockImplementation(issue(10));
    await sut.getToken();
    expect(sut.status().valid).toBe(true);
    await vi.advanceTimersByTimeAsync(7_999);
    expect(requestToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requestToken).toHaveBeenCalledTimes(2);
    expect(sut.status().valid).toBe(true);
  });

  it('forgets a token CXone rejected, so the next caller gets a new one', async () => {
    const first = await sut.getToken();
    sut.invalidate('some-older-token');
    expect(await sut.getToken()).toBe(first);
    sut.invalidate(first);
    expect(sut.status().valid).toBe(false);
    expect(await sut.getToken()).toBe('token-2');
  });

  it('keeps the current token while the endpoint is down and it is still valid', async () => {
    await sut.getToken();
    requestToken.mockRejectedValue(new AuthException(AuthErrorCode.TokenEndpointUnavailable, 'down'));
    await vi.advanceTimersByTimeAsync(3600_000 - 300_000 + 10_000);
    expect(requestToken.mock.calls.length).toBeGreaterThan(1);
    expect(await sut.getToken()).toBe('token-1');
    expect(sut.status()).toMatchObject({ valid: true, lastError: AuthErrorCode.TokenEndpointUnavailable });
    requestToken.mockImplementation(issue(3600));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await sut.getToken()).toBe('token-2');
  });

  it('makes a waiting caller wait for 3 attempts at most, not for the whole outage', async () => {
    requestToken.mockRejectedValue(unavailable);
    const pending = sut.getToken().catch((error: AuthException) => error.code);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await pending).toBe(AuthErrorCode.TokenEndpointUnavailable);
    expect(requestToken.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('without a valid token, asks again at least every second until the endpoint answers', async () => {
    requestToken.mockRejectedValue(unavailable);
    void sut.getToken().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(20_000);
    const callTimes = requestToken.mock.invocationCallOrder.length;
    expect(callTimes).toBeGreaterThanOrEqual(20); // ~1 per second for 20 s, never an 8 s gap

    requestToken.mockImplementation(issue(3600));
    const recoveredAt = Date.now();
    while (!sut.status().valid) {
      await vi.advanceTimersByTimeAsync(10);
      expect(Date.now() - recoveredAt).toBeLessThanOrEqual(1000);
    }
  });

  it('tells a waiting observer the moment a token is held again', async () => {
    requestToken.mockRejectedValue(unavailable);
    void sut.getToken().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(5000);
    const valid: boolean[] = [];
    sut.status$.subscribe((status) => valid.push(status.valid));

    requestToken.mockImplementation(issue(3600));
    await vi.advanceTimersByTimeAsync(1000);

    expect(valid.at(-1)).toBe(true);
  });

  it('retries refused credentials at most every few seconds, never in a tight loop', async () => {
    requestToken.mockRejectedValue(new AuthException(AuthErrorCode.InvalidCredentials, 'refused'));
    await expect(sut.getToken()).rejects.toMatchObject({ code: AuthErrorCode.InvalidCredentials });
    expect(requestToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requestToken.mock.calls.length).toBeGreaterThan(1);
    expect(requestToken.mock.calls.length).toBeLessThanOrEqual(1 + 60 / 2.5);
  });

  it('retries an answer it cannot trust as gently as refused credentials', async () => {
    requestToken.mockRejectedValue(new AuthException(AuthErrorCode.IdTokenRejected, 'bad signature'));
    await expect(sut.getToken()).rejects.toMatchObject({ code: AuthErrorCode.IdTokenRejected });
    expect(requestToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requestToken.mock.calls.length).toBeLessThanOrEqual(1 + 60 / 2.5);
    expect(sut.status()).toMatchObject({ valid: false, lastError: AuthErrorCode.IdTokenRejected });
  });

  it('retries an unreachable issuer at once, like the token endpoint', async () => {
    requestToken
      .mockRejectedValueOnce(new AuthException(AuthErrorCode.IssuerUnavailable, 'discovery down'))
      .mockImplementation(issue(3600));
    const pending = sut.getToken();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await pending).toBe('token-1');
  });

  it('does not turn an absurd token lifetime into a refresh loop', async () => {
    requestToken.mockImplementation(issue(1e10));
    await sut.getToken();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(requestToken).toHaveBeenCalledTimes(1);
  });

  it('warns about the first failures, then logs one error naming the endpoint, then stays quiet', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    requestToken.mockRejectedValue(
      new AuthException(
        AuthErrorCode.TokenEndpointUnavailable,
        'token endpoint auth.example.com unavailable (HTTP 503)',
      ),
    );
    void sut.getToken().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(26_000);

    expect(warn).toHaveBeenCalledTimes(2);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][0]).toMatch(/auth\.example\.com unavailable \(HTTP 503\).*failures in a row/);
    expect(requestToken.mock.calls.length).toBeGreaterThan(20);
  });

  it('reports validity and seconds to expiry, never the token', async () => {
    await sut.getToken();
    vi.advanceTimersByTime(600_000);
    const status = sut.status();
    expect(status).toMatchObject({ valid: true, expiresInSeconds: 3000, refreshes: 1 });
    expect(JSON.stringify(status)).not.toContain('token-1');
  });
});
