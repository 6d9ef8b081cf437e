import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator, DEFAULT_TENANT_ID } from './index.js';
import { ACCESS_KEY, jwks, passwordGrant, signIn, TENANT_ID } from './oidc-spec-kit.js';
import { SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

describe(`${CxoneSimulator.name} real profile: discovery, JWKS, tenant configuration`, () => {
  // One simulator for the file: each RSA key takes ~0.2 s to generate.
  let sut: CxoneSimulator;

  beforeAll(async () => {
    sut = new CxoneSimulator({
      clientId: SPEC_CLIENT_ID,
      clientSecret: SPEC_CLIENT_SECRET,
      accessKeys: [{ id: 'other-key', secret: 'other-secret' }, ACCESS_KEY],
      tenantId: TENANT_ID,
    });
    await sut.start();
  });

  afterEach(() => sut.reset());

  afterAll(async () => {
    await sut.stop();
  });

  it('publishes the discovery document, with the simulator as issuer', async () => {
    const response = await fetch(`${sut.baseUrl}/.well-known/openid-configuration`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      issuer: sut.baseUrl,
      token_endpoint: `${sut.baseUrl}/auth/token`,
      jwks_uri: `${sut.baseUrl}/auth/jwks`,
      authorization_endpoint: `${sut.baseUrl}/auth/authorize`,
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      grant_types_supported: ['password', 'refresh_token', 'authorization_code'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
    });
    expect(sut.received.discovery.map((r) => r.status)).toEqual([200]);
  });

  it('publishes RSA signing keys in the JWKS', async () => {
    const keys = await jwks(sut);

    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
      expect(key.kid).toMatch(/^[\w-]{20,}$/);
      expect(Buffer.from(key.n, 'base64url')).toHaveLength(256);
    }
    expect(sut.received.jwks).toHaveLength(1);
  });

  describe('cxone-configuration', () => {
    const configuration = (query: string) => fetch(`${sut.baseUrl}/.well-known/cxone-configuration${query}`);

    it('tells where the known tenant lives: the simulator is its API host', async () => {
      const response = await configuration(`?tenantId=${TENANT_ID}`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        private: false,
        ui_endpoint: sut.baseUrl,
        auth_endpoint: sut.baseUrl,
        api_endpoint: sut.baseUrl,
        area: 'na1',
        cluster: 'C32',
        domain: 'niceincontact.com',
        acdDomain: 'nice-incontact.com',
        uhDomain: 'nice-incontact.com',
        tenantId: TENANT_ID,
        globaldomain: 'niceincontact.com',
      });
    });

    it('answers 404 tenant_not_found for an unknown or missing tenantId', async () => {
      for (const query of [`?tenantId=${DEFAULT_TENANT_ID}`, '', '?tenantId=']) {
        const response = await configuration(query);
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ error: 'tenant_not_found' });
      }
      expect(sut.received.cxoneConfigurations.map((r) => r.status)).toEqual([404, 404, 404]);
    });
  });

  it('tells activity listeners about the new endpoints; reset() clears their records', async () => {
    const seen: string[] = [];
    const unsubscribe = sut.onActivity((activity) => activity.kind === 'request' && seen.push(activity.endpoint));
    await fetch(`${sut.baseUrl}/.well-known/openid-configuration`);
    await jwks(sut);
    await signIn(sut);
    await fetch(`${sut.baseUrl}/.well-known/cxone-configuration?tenantId=${TENANT_ID}`);
    await fetch(`${sut.baseUrl}/@api/deki/site/query?q=pin&dream.out.format=json`);
    unsubscribe();

    expect(seen).toEqual(['discovery', 'jwks', 'auth-token', 'cxone-configuration', 'expert-query']);
    const lists = ['discovery', 'jwks', 'authTokens', 'cxoneConfigurations', 'expertQueries'] as const;
    expect(lists.map((list) => sut.received[list].length)).toEqual([1, 1, 1, 1, 1]);
    sut.reset();
    expect(lists.map((list) => sut.received[list].length)).toEqual([0, 0, 0, 0, 0]);
  });

  describe('faults and bad requests', () => {
    it('failNext sends a raw body with its content type (an HTML error page from a proxy), then recovers', async () => {
      sut.failNext('discovery', {
        status: 502,
        rawBody: '<html><body>Bad Gateway</body></html>',
        contentType: 'text/html',
      });
      sut.failNext('auth-token', { status: 200, rawBody: 'not json' });
      sut.failNext('jwks', { status: 200, body: { keys: 'nope' }, contentType: 'application/jwk-set+json' });

      const discovery = await fetch(`${sut.baseUrl}/.well-known/openid-configuration`);
      const token = await passwordGrant(sut);
      const keys = await fetch(`${sut.baseUrl}/auth/jwks`);

      expect(discovery.status).toBe(502);
      expect(discovery.headers.get('content-type')).toBe('text/html');
      expect(await discovery.text()).toBe('<html><body>Bad Gateway</body></html>');
      expect(token.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await token.text()).toBe('not json');
      expect(keys.headers.get('content-type')).toBe('application/jwk-set+json');
      expect(await keys.json()).toEqual({ keys: 'nope' });
      expect((await fetch(`${sut.baseUrl}/.well-known/openid-configuration`)).status).toBe(200);
      expect(sut.received.discovery.map((r) => r.status)).toEqual([502, 200]);
    });

    it('refuses a fault with both a body and a rawBody', () => {
      expect(() => sut.failNext('jwks', { status: 500, body: {}, rawBody: 'x' })).toThrow(RangeError);
    });

    it('answers 405 with Allow to a wrong method', async () => {
      const get = await fetch(`${sut.baseUrl}/auth/token`);
      const post = await fetch(`${sut.baseUrl}/auth/jwks`, { method: 'POST', body: '' });

      expect([get.status, post.status]).toEqual([405, 405]);
      expect(get.headers.get('allow')).toBe('POST');
      expect(post.headers.get('allow')).toBe('GET');
    });
  });
});

describe(`${CxoneSimulator.name} real profile behind another name (publicUrl)`, () => {
  it('is the issuer and API host under its public URL, while listening on its own address', async () => {
    const sut = new CxoneSimulator({
      clientId: SPEC_CLIENT_ID,
      clientSecret: SPEC_CLIENT_SECRET,
      publicUrl: 'http://cxone-sim:4000/',
    });
    await sut.start();
    try {
      const discovery = (await (await fetch(`${sut.baseUrl}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        token_endpoint: string;
      };
      const configuration = await fetch(`${sut.baseUrl}/.well-known/cxone-configuration?tenantId=${DEFAULT_TENANT_ID}`);

      expect(sut.issuer).toBe('http://cxone-sim:4000');
      expect(discovery).toMatchObject({ issuer: sut.issuer, token_endpoint: 'http://cxone-sim:4000/auth/token' });
      expect(await configuration.json()).toMatchObject({ api_endpoint: 'http://cxone-sim:4000' });
      expect(sut.tokenUrl, 'the tutorial URLs stay where it listens').toBe(`${sut.baseUrl}/oauth/token`);
    } finally {
      await sut.stop();
    }
  });
});
