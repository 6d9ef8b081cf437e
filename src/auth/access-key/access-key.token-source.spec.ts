import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../../common/counters.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import { AccessKeyTokenSource } from './access-key.token-source.js';
import {
  ACCESS_KEY_ID,
  ACCESS_KEY_SECRET,
  accessKeyConfig,
  captureLogs,
  API_ENDPOINT,
  CLIENT_ID,
  CLIENT_SECRET,
  FakeIssuer,
  ISSUER,
  networkError,
  secretsOf,
  TENANT_ID,
} from './issuer-spec-kit.js';

const DISCOVERY = '/.well-known/openid-configuration';
const TOKEN = '/auth/token';
const JWKS = '/auth/jwks';
const TENANT_CONFIGURATION = '/.well-known/cxone-configuration';

describe(AccessKeyTokenSource.name, () => {
  let sut: AccessKeyTokenSource;
  let issuer: FakeIssuer;
  let counters: Counters;
  let logged: () => string;

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('expected the sign-in to fail'),
      (error: unknown) => {
        for (const secret of secretsOf(issuer)) expect(String(error)).not.toContain(secret);
        return error as AuthException;
      },
    );

  beforeEach(() => {
    issuer = new FakeIssuer();
    counters = new Counters();
    logged = captureLogs();
    sut = new AccessKeyTokenSource(issuer.http, counters, accessKeyConfig());
  });

  afterEach(() => {
    // Whatever a test did, no secret and no token reached a log line.
    const lines = logged();
    for (const secret of secretsOf(issuer)) expect(lines).not.toContain(secret);
    vi.restoreAllMocks();
  });

  it('signs in with discovery, the password grant, the verified id_token and cxone-configuration', async () => {
    expect(sut.endpoint).toBe('cxone.example.com');

    expect(await sut.requestToken()).toEqual({ accessToken: 'access-token-1', expiresInSeconds: 3600 });

    expect(issuer.requests.map((request) => new URL(request.url).pathname)).toEqual([
      DISCOVERY,
      TOKEN,
      JWKS,
      TENANT_CONFIGURATION,
    ]);
    expect(issuer.requestsTo(TENANT_CONFIGURATION)[0].url).toBe(
      `${ISSUER}${TENANT_CONFIGURATION}?tenantId=${TENANT_ID}`,
    );
    expect(sut.apiBaseUrl()).toBe(API_ENDPOINT);
    expect(counters.get('token_grants{grant="password"}')).toBe(1);
    expect(logged()).toMatch(/password grant.*tenant 11eb0d7e.*api-na1\.example\.com/);
  });

  it('sends the client credentials raw in the Basic header and the access key in the form', async () => {
    await sut.requestToken();

    const [request] = issuer.requestsTo(TOKEN);
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`${ISSUER}${TOKEN}`);
    expect(request.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    const basic = /^Basic (.+)$/.exec(request.headers.Authorization)![1];
    expect(Buffer.from(basic, 'base64').toString('utf8')).toBe(`${CLIENT_ID}:${CLIENT_SECRET}`);
    expect(Object.fromEntries(request.form)).toEqual({
      grant_type: 'password',
      username: ACCESS_KEY_ID,
      password: ACCESS_KEY_SECRET,
    });
  });

  it('caps the size of every reply it reads', async () => {
    await sut.requestToken();
    for (const request of issuer.requests) expect(request.maxContentLength).toBeLessThanOrEqual(64 * 1024);
  });

  it('keeps discovery, JWKS and the API host: a renewal is one token call', async () => {
    await sut.requestToken();
    issuer.requests.length = 0;

    await sut.requestToken();

    expect(issuer.requests.map((request) => new URL(request.url).pathname)).toEqual([TOKEN]);
  });

  it('accepts an issuer spelled with a trailing slash and plain http to loopback', async () => {
    const local = 'http://127.0.0.1:4010';
    sut = new AccessKeyTokenSource(issuer.http, counters, accessKeyConfig({ issuer: local }));
    issuer.discovery = { issuer: `${local}/`, token_endpoint: `${local}/auth/token`, jwks_uri: `${local}/auth/jwks` };
    issuer.idTokenClaims = (claims) => ({ ...claims, iss: `${local}/` });

    await sut.requestToken();
    expect(sut.endpoint).toBe('127.0.0.1:4010');
  });

  describe('a bad discovery document', () => {
    it.each([
      ['no token_endpoint', { issuer: ISSUER, jwks_uri: `${ISSUER}/auth/jwks` }, /no usable token_endpoint/],
      ['no jwks_uri', { issuer: ISSUER, token_endpoint: `${ISSUER}/auth/token` }, /no usable jwks_uri/],
      [
        'an http token_endpoint off loopback',
        { issuer: ISSUER, token_endpoint: 'http://cxone.example.com/auth/token', jwks_uri: `${ISSUER}/auth/jwks` },
        /no usable token_endpoint/,
      ],
      [
        'another issuer',
        { issuer: 'https://evil.example.net', token_endpoint: `${ISSUER}/auth/token`, jwks_uri: `${ISSUER}/x` },
        /names another one than CXONE_ISSUER/,
      ],
      ['no JSON object', '<html>maintenance</html>', /is not a JSON object/],
    ])('with %s is refused, counted, and no credentials are sent', async (_case, document, message) => {
      issuer.discovery = document;

      const error = await failure(sut.requestToken());

      expect(error).toBeInstanceOf(AuthException);
      expect(error.code).toBe(AuthErrorCode.DiscoveryInvalid);
      expect(error.message).toMatch(message);
      expect(issuer.requestsTo(TOKEN)).toHaveLength(0);
      expect(counters.get('issuer_documents_rejected{document="discovery"}')).toBe(1);
    });

    it('that is not there (HTTP 404) is refused', async () => {
      issuer.answerNext(DISCOVERY, { status: 404, data: 'Not Found' });
      expect((await failure(sut.requestToken())).message).toMatch(/discovery document of .* answered HTTP 404/);
    });

    it('that is too large to read is refused', async () => {
      issuer.answerNext(DISCOVERY, networkError('ERR_BAD_RESPONSE', 'maxContentLength size of 65536 exceeded'));
      const error = await failure(sut.requestToken());
      expect(error.code).toBe(AuthErrorCode.DiscoveryInvalid);
      expect(error.message).toMatch(/larger than 65536 bytes/);
    });
  });

  it('reports an unreachable issuer as a failure worth retrying', async () => {
    issuer.answerNext(DISCOVERY, networkError('ECONNREFUSED'), { status: 503, data: '' });
    expect((await failure(sut.requestToken())).code).toBe(AuthErrorCode.IssuerUnavailable);
    expect((await failure(sut.requestToken())).message).toMatch(/unavailable \(HTTP 503\)/);
    await expect(sut.requestToken()).resolves.toMatchObject({ accessToken: 'access-token-1' });
  });

  it('signs in with the discovery it has while the issuer is down after an hour', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await sut.requestToken();
      vi.advanceTimersByTime(61 * 60 * 1000);
      issuer.answerNext(DISCOVERY, networkError('ETIMEDOUT'));
      issuer.refreshTokens.clear();
      await expect(sut.requestToken()).resolves.toMatchObject({ accessToken: 'access-token-2' });
      expect(issuer.requestsTo(DISCOVERY)).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  describe('the token endpoint', () => {
    it('refusing the access key is a refusal naming the OAuth error, with no secret', async () => {
      sut = new AccessKeyTokenSource(issuer.http, counters, accessKeyConfig({ accessKeySecret: 'wrong&secret' }));
      const error = await failure(sut.requestToken());
      expect(error.code).toBe(AuthErrorCode.InvalidCredentials);
      expect(error.message).toBe(
        'token endpoint cxone.example.com refused the password grant (HTTP 400 invalid_grant)',
      );
    });

    it('down or busy is a failure worth retrying, whatever the axios error says', async () => {
      const leaky = networkError('ECONNRESET', `socket hang up ${ACCESS_KEY_SECRET} ${CLIENT_SECRET}`);
      issuer.answerNext(TOKEN, leaky, { status: 429, data: {} });
      const first = await failure(sut.requestToken());
      expect(first).toMatchObject({ code: AuthErrorCode.TokenEndpointUnavailable });
      expect(first.message).toBe('token endpoint cxone.example.com unavailable (ECONNRESET)');
      expect((await failure(sut.requestToken())).message).toMatch(/unavailable \(HTTP 429\)/);
    });

    it('replying without an access token is an invalid reply', async () => {
      issuer.answerNext(TOKEN, { status: 200, data: { token_type: 'Bearer', expires_in: 3600 } });
      expect((await failure(sut.requestToken())).code).toBe(AuthErrorCode.InvalidTokenReply);
    });

    it('a lifetime beyond a day is held for a day at most', async () => {
      issuer.tokenLifetimeSeconds = 1e12;
      issuer.idTokenClaims = (claims) => ({ ...claims, exp: Math.floor(Date.now() / 1000) + 3600 });
      expect((await sut.requestToken()).expiresInSeconds).toBe(24 * 3600);
    });
  });

  describe('renewal', () => {
    it('uses the refresh grant with the refresh token it holds, and the rotated one next', async () => {
      await sut.requestToken();
      expect(await sut.requestToken()).toMatchObject({ accessToken: 'access-token-2' });
      await sut.requestToken();

      const [, second, third] = issuer.requestsTo(TOKEN);
      expect(Object.fromEntries(second.form)).toEqual({
        grant_type: 'refresh_token',
        refresh_token: 'refresh-token-1',
      });
      expect(third.form.get('refresh_token')).toBe('refresh-token-2');
      expect(second.headers.Authorization).toBe(issuer.requestsTo(TOKEN)[0].headers.Authorization);
      expect(counters.get('token_grants{grant="refresh_token"}')).toBe(2);
    });

    it('falls back to the password grant in the same call when the refresh token is refused', async () => {
      await sut.requestToken();
      issuer.refreshTokens.clear();

      expect(await sut.requestToken()).toMatchObject({ accessToken: 'access-token-2' });

      expect(issuer.grants()).toEqual(['password', 'refresh_token', 'password']);
      expect(counters.get('token_refresh_grants_refused')).toBe(1);
      expect(logged()).toMatch(/refused the refresh_token grant.*access key instead/);
    });

    it('keeps the refresh token through an outage and does not sign in again meanwhile', async () => {
      await sut.requestToken();
      issuer.answerNext(TOKEN, { status: 502, data: '' });

      expect((await failure(sut.requestToken())).code).toBe(AuthErrorCode.TokenEndpointUnavailable);
      expect(issuer.grants()).toEqual(['password', 'refresh_token']);
      await sut.requestToken();
      expect(issuer.requestsTo(TOKEN)[2].form.get('refresh_token')).toBe('refresh-token-1');
    });

    it('keeps the tenant verified at sign-in when a renewal brings no id_token', async () => {
      await sut.requestToken();
      issuer.answerNext(TOKEN, {
        status: 200,
        data: { access_token: 'renewed', token_type: 'Bearer', expires_in: 3600, refresh_token: 'r2' },
      });
      expect(await sut.requestToken()).toMatchObject({ accessToken: 'renewed' });
      expect(sut.apiBaseUrl()).toBe(API_ENDPOINT);
    });

    it('does not trust the refresh token of a reply whose id_token failed', async () => {
      await sut.requestToken();
      issuer.tamperSignature = true;
      expect((await failure(sut.requestToken())).code).toBe(AuthErrorCode.IdTokenRejected);
      issuer.tamperSignature = false;

      await sut.requestToken();
      expect(issuer.grants()).toEqual(['password', 'refresh_token', 'password']);
    });
  });

  describe('the API host', () => {
    it('is not asked for before the id_token is verified', async () => {
      issuer.idTokenClaims = (claims) => ({ ...claims, aud: 'another-client' });
      expect((await failure(sut.requestToken())).code).toBe(AuthErrorCode.IdTokenRejected);
      expect(issuer.requestsTo(TENANT_CONFIGURATION)).toHaveLength(0);
      expect(sut.apiBaseUrl()).toBeUndefined();
    });

    it.each([
      ['no api_endpoint', { status: 200, data: { tenantId: TENANT_ID, area: 'na1' } }, /no usable api_endpoint/],
      ['an http api_endpoint', { status: 200, data: { api_endpoint: 'http://api.example.com' } }, /no usable/],
      ['another tenant', { status: 200, data: { tenantId: 'other', api_endpoint: API_ENDPOINT } }, /another tenant/],
    ])('refuses a cxone-configuration with %s', async (_case, answer, message) => {
      issuer.answerNext(TENANT_CONFIGURATION, answer);
      const error = await failure(sut.requestToken());
      expect(error.code).toBe(AuthErrorCode.TenantConfigurationInvalid);
      expect(error.message).toMatch(message);
      expect(counters.get('issuer_documents_rejected{document="cxone-configuration"}')).toBe(1);
      expect(sut.apiBaseUrl()).toBeUndefined();
    });

    it('says so when the issuer does not know the tenant', async () => {
      issuer.answerNext(TENANT_CONFIGURATION, { status: 404, data: { error: 'tenant_not_found' } });
      const error = await failure(sut.requestToken());
      expect(error.code).toBe(AuthErrorCode.TenantUnknown);
      expect(error.message).toMatch(`tenant ${TENANT_ID}`);
    });

    it('is CXONE_API_BASE_URL when set, without asking the issuer', async () => {
      const configured = 'https://api-eu1.example.com';
      sut = new AccessKeyTokenSource(issuer.http, counters, accessKeyConfig({ apiBaseUrl: configured }));
      await sut.requestToken();
      expect(issuer.requestsTo(TENANT_CONFIGURATION)).toHaveLength(0);
      expect(sut.apiBaseUrl()).toBe(configured);
    });
  });
});
