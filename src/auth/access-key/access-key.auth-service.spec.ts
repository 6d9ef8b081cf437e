import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../../common/counters.js';
import { AuthErrorCode } from '../auth.exception.js';
import { AuthService } from '../auth.service.js';
import { AccessKeyTokenSource } from './access-key.token-source.js';
import { accessKeyConfig, captureLogs, FakeIssuer, secretsOf } from './issuer-spec-kit.js';

/** The access-key source under the generic AuthService, as AuthModule wires them. */
describe(AccessKeyTokenSource.name, () => {
  let sut: AuthService;
  let issuer: FakeIssuer;
  let logged: () => string;

  beforeEach(() => {
    issuer = new FakeIssuer();
    const counters = new Counters();
    logged = captureLogs();
    sut = new AuthService(new AccessKeyTokenSource(issuer.http, counters, accessKeyConfig()), counters);
  });

  afterEach(() => {
    sut.onApplicationShutdown();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('renews ahead of expiry with the refresh grant, in the background', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    issuer.tokenLifetimeSeconds = 10;
    expect(await sut.getToken()).toBe('access-token-1');

    await vi.advanceTimersByTimeAsync(8_500);

    expect(issuer.grants()).toEqual(['password', 'refresh_token']);
    // The id_token check runs on WebCrypto's threads, outside the fake clock.
    await vi.waitFor(() => expect(sut.status().refreshes).toBe(2));
    expect(await sut.getToken()).toBe('access-token-2');
  });

  it('renews with the refresh grant when CXone rejects the token (401)', async () => {
    const first = await sut.getToken();
    sut.invalidate(first);
    expect(await sut.getToken()).toBe('access-token-2');
    expect(issuer.grants()).toEqual(['password', 'refresh_token']);
  });

  it('shows an untrusted id_token in readiness, holds no token, and logs no secret', async () => {
    issuer.tamperSignature = true;

    await expect(sut.getToken()).rejects.toMatchObject({ code: AuthErrorCode.IdTokenRejected });

    expect(sut.status()).toMatchObject({ valid: false, lastError: AuthErrorCode.IdTokenRejected });
    const lines = logged();
    expect(lines).toMatch(/Token refresh failed: id_token from cxone\.example\.com rejected \(signature\)/);
    for (const secret of secretsOf(issuer)) expect(lines).not.toContain(secret);
  });

  it('signs in once however many callers wait', async () => {
    const tokens = await Promise.all(Array.from({ length: 20 }, () => sut.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['access-token-1']));
    expect(issuer.grants()).toEqual(['password']);
    expect(issuer.requestsTo('/.well-known/openid-configuration')).toHaveLength(1);
  });
});
