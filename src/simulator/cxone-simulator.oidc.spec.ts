import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CxoneSimulator, MASKED, type IdTokenTampering } from './index.js';
import {
  ACCESS_KEY,
  basic,
  decodePart,
  idTokenProblems,
  jwks,
  passwordGrant,
  postToken,
  refreshGrant,
  signIn,
  TENANT_ID,
  type TokenReply,
} from './oidc-spec-kit.js';
import { SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

describe(`${CxoneSimulator.name} real profile: OIDC sign-in`, () => {
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

  describe('password grant', () => {
    it('signs in with an access key: Bearer token, refresh token and an id_token verified by the JWKS', async () => {
      const before = Math.floor(Date.now() / 1000);
      const response = await passwordGrant(sut);

      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const reply = (await response.json()) as TokenReply;
      expect(reply).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      expect(reply.access_token.length).toBeGreaterThanOrEqual(32);
      expect(reply.refresh_token.length).toBeGreaterThanOrEqual(32);

      const [header, payload] = reply.id_token.split('.');
      expect(decodePart(header)).toEqual({ alg: 'RS256', typ: 'JWT', kid: (await jwks(sut))[0]!.kid });
      expect(idTokenProblems(reply.id_token, await jwks(sut), sut.issuer)).toEqual([]);
      const claims = decodePart(payload);
      expect(claims).toMatchObject({
        iss: sut.baseUrl,
        aud: SPEC_CLIENT_ID,
        sub: ACCESS_KEY.id,
        tenantId: TENANT_ID,
        icAgentId: expect.any(String),
        icBUId: expect.any(String),
        icClusterId: expect.any(String),
        name: expect.any(String),
      });
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.exp).toBe((claims.iat as number) + 3600);
    });

    it('refuses wrong client credentials, or none, with 401 invalid_client and a Basic challenge', async () => {
      const wrongSecret = await passwordGrant(sut, ACCESS_KEY, basic(SPEC_CLIENT_ID, 'nope'));
      const missing = await postToken(sut, { grant_type: 'password', username: ACCESS_KEY.id, password: 'x' });
      // client_secret_post is not what the tenant supports
      const inBody = await postToken(sut, {
        grant_type: 'password',
        username: ACCESS_KEY.id,
        password: ACCESS_KEY.secret,
        client_id: SPEC_CLIENT_ID,
        client_secret: SPEC_CLIENT_SECRET,
      });

      for (const response of [wrongSecret, missing, inBody]) {
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Basic realm="cxone"');
        expect(await response.json()).toEqual({ error: 'invalid_client' });
      }
    });

    it('refuses an unknown access key, a wrong secret, or an authorization code never issued with 400 invalid_grant', async () => {
      const unknown = await passwordGrant(sut, { id: 'nobody', secret: ACCESS_KEY.secret });
      const wrongSecret = await passwordGrant(sut, { id: ACCESS_KEY.id, secret: 'other-secret' });
      const code = await postToken(
        sut,
        { grant_type: 'authorization_code', code: 'c-1', redirect_uri: 'https://app.example/cb' },
        basic(SPEC_CLIENT_ID, SPEC_CLIENT_SECRET),
      );

      for (const response of [unknown, wrongSecret, code]) {
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ error: 'invalid_grant' });
      }
    });

    it('refuses client_credentials (a tenant has none) and an unknown grant; a form missing a part is invalid_request', async () => {
      const auth = basic(SPEC_CLIENT_ID, SPEC_CLIENT_SECRET);
      const clientCredentials = await postToken(sut, { grant_type: 'client_credentials' }, auth);
      const other = await postToken(sut, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }, auth);
      const none = await postToken(sut, {}, auth);
      const noPassword = await postToken(sut, { grant_type: 'password', username: ACCESS_KEY.id }, auth);
      const noRefreshToken = await postToken(sut, { grant_type: 'refresh_token' }, auth);

      expect(clientCredentials.status).toBe(400);
      expect(await clientCredentials.json()).toEqual({ error: 'unsupported_grant_type' });
      expect(await other.json()).toEqual({ error: 'unsupported_grant_type' });
      for (const response of [none, noPassword, noRefreshToken]) {
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ error: 'invalid_request' });
      }
    });

    it('gives an access token the tutorial knowledge search and the stream handshake accept', async () => {
      const { access_token: token } = await signIn(sut);

      const search = await fetch(`${sut.baseUrl}/api/v2/knowledge/articles/search?q=voicemail`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const socket = new WebSocket(`${sut.streamUrl}?access_token=${encodeURIComponent(token)}`);
      const handshake = await new Promise<number>((resolve, reject) => {
        socket.once('open', () => resolve(101));
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.once('error', reject);
      });
      socket.terminate();

      expect(search.status).toBe(200);
      expect(handshake).toBe(101);
    });

    it('keeps the secrets out of the records: password, refresh token and the Basic header are masked', async () => {
      const { refresh_token: refreshToken } = await signIn(sut);
      await refreshGrant(sut, refreshToken);

      const [password, refresh] = sut.received.authTokens;
      expect(password).toMatchObject({
        method: 'POST',
        status: 200,
        body: { grant_type: 'password', username: ACCESS_KEY.id, password: MASKED },
        headers: { authorization: `Basic ${MASKED}` },
      });
      expect(refresh?.body).toEqual({ grant_type: 'refresh_token', refresh_token: MASKED });
      const recorded = JSON.stringify(sut.received.authTokens);
      for (const secret of [
        ACCESS_KEY.secret,
        refreshToken,
        SPEC_CLIENT_SECRET,
        basic(SPEC_CLIENT_ID, SPEC_CLIENT_SECRET),
      ]) {
        expect(recorded).not.toContain(secret);
      }
    });
  });

  describe('refresh grant', () => {
    it('rotates: a refresh gives new tokens and a new refresh token; the used one is refused afterwards', async () => {
      const first = await signIn(sut);

      const refreshed = await refreshGrant(sut, first.refresh_token);
      const replayed = await refreshGrant(sut, first.refresh_token);

      expect(refreshed.status).toBe(200);
      const second = (await refreshed.json()) as TokenReply;
      expect(second.access_token).not.toBe(first.access_token);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(decodePart(second.id_token.split('.')[1])).toMatchObject({ sub: ACCESS_KEY.id, tenantId: TENANT_ID });
      expect(replayed.status).toBe(400);
      expect(await replayed.json()).toEqual({ error: 'invalid_grant' });
      expect((await refreshGrant(sut, second.refresh_token)).status).toBe(200);
    });

    it('refuses an unknown refresh token, and every one after revokeRefreshTokens()', async () => {
      const { refresh_token: refreshToken, access_token: accessToken } = await signIn(sut);
      expect((await refreshGrant(sut, 'never-issued')).status).toBe(400);

      sut.revokeRefreshTokens();

      const revoked = await refreshGrant(sut, refreshToken);
      expect(revoked.status).toBe(400);
      expect(await revoked.json()).toEqual({ error: 'invalid_grant' });
      const search = await fetch(`${sut.baseUrl}/api/v2/knowledge/articles/search?q=voicemail`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(search.status, 'access tokens outlive a refresh token revocation').toBe(200);
    });

    it('refuses a refresh token past its lifetime (setRefreshTokenTtl)', async () => {
      sut.setRefreshTokenTtl(0.05);
      const { refresh_token: refreshToken } = await signIn(sut);
      await new Promise((resolve) => setTimeout(resolve, 80));

      expect((await refreshGrant(sut, refreshToken)).status).toBe(400);
    });
  });

  describe('signing keys', () => {
    it('rotateSigningKey() signs with a new kid and keeps the previous key published', async () => {
      const before = await signIn(sut);
      const oldKid = decodePart(before.id_token.split('.')[0]).kid;

      await sut.rotateSigningKey();
      const after = await signIn(sut);
      const newKid = decodePart(after.id_token.split('.')[0]).kid;

      const keys = await jwks(sut);
      expect(newKid).not.toBe(oldKid);
      expect(keys.map((key) => key.kid).slice(0, 2)).toEqual([newKid, oldKid]);
      expect(idTokenProblems(before.id_token, keys, sut.issuer)).toEqual([]);
      expect(idTokenProblems(after.id_token, keys, sut.issuer)).toEqual([]);
    });

    it('rotateSigningKey({keepPrevious: false}) removes the old key: tokens it signed no longer verify', async () => {
      const before = await signIn(sut);

      await sut.rotateSigningKey({ keepPrevious: false });

      const keys = await jwks(sut);
      expect(keys).toHaveLength(1);
      expect(idTokenProblems(before.id_token, keys, sut.issuer)).toEqual(['signature']);
      expect(idTokenProblems((await signIn(sut)).id_token, keys, sut.issuer)).toEqual([]);
    });
  });

  describe('id_token tampering', () => {
    it.each<[IdTokenTampering, string]>([
      ['bad-signature', 'signature'],
      ['wrong-audience', 'audience'],
      ['wrong-issuer', 'issuer'],
      ['expired', 'expiry'],
      ['no-tenant', 'tenant'],
    ])('%s fails exactly the %s check', async (mode, check) => {
      sut.setIdTokenTampering(mode);

      const { id_token: idToken } = await signIn(sut);

      expect(idTokenProblems(idToken, await jwks(sut), sut.issuer)).toEqual([check]);
    });

    it('lasts until reset() or none, and refuses an unknown mode', async () => {
      sut.setIdTokenTampering('wrong-issuer');
      expect(idTokenProblems((await signIn(sut)).id_token, await jwks(sut), sut.issuer)).toEqual(['issuer']);

      sut.reset();

      expect(idTokenProblems((await signIn(sut)).id_token, await jwks(sut), sut.issuer)).toEqual([]);
      expect(() => sut.setIdTokenTampering('sideways' as IdTokenTampering)).toThrow(RangeError);
    });
  });
});

describe(`${CxoneSimulator.name} real profile: client secrets with special characters`, () => {
  const clientSecret = 'p:w%2B+ü€ 1';
  let sut: CxoneSimulator;

  beforeAll(async () => {
    sut = new CxoneSimulator({ clientId: 'client-ü', clientSecret, accessKeys: [ACCESS_KEY] });
    await sut.start();
  });

  afterAll(async () => {
    await sut.stop();
  });

  const grant = (authorization: string) =>
    postToken(sut, { grant_type: 'password', username: ACCESS_KEY.id, password: ACCESS_KEY.secret }, authorization);

  it('takes the raw values in the Basic header, and refuses them form-encoded first as a real tenant does', async () => {
    const raw = await grant(basic('client-ü', clientSecret));
    const encoded = await grant(basic(encodeURIComponent('client-ü'), encodeURIComponent(clientSecret)));
    const formEncoded = await grant(
      basic(
        new URLSearchParams({ a: 'client-ü' }).toString().slice(2),
        new URLSearchParams({ a: clientSecret }).toString().slice(2),
      ),
    );

    expect(raw.status).toBe(200);
    for (const response of [encoded, formEncoded]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="cxone"');
      expect(await response.json()).toEqual({ error: 'invalid_client' });
    }
  });
});
