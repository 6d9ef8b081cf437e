import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeParams,
  formsOf,
  getAuthorize,
  issueCode,
  pkcePair,
  postAuthorize,
  redeemCode,
  REDIRECT_URI,
  redirectedQuery,
  RFC_CHALLENGE,
  RFC_VERIFIER,
} from './agent-sign-in-spec-kit.js';
import { CxoneSimulator, DEFAULT_AGENTS, MASKED, type SimActivity } from './index.js';
import { basic, decodePart, idTokenProblems, jwks, postToken, TENANT_ID } from './oidc-spec-kit.js';
import { SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

describe(`${CxoneSimulator.name} real profile: agent sign-in (authorization code with PKCE)`, () => {
  // One simulator for the file: each RSA key takes ~0.2 s to generate.
  let sut: CxoneSimulator;

  beforeAll(async () => {
    sut = new CxoneSimulator({ clientId: SPEC_CLIENT_ID, clientSecret: SPEC_CLIENT_SECRET, tenantId: TENANT_ID });
    await sut.start();
  });

  afterEach(() => sut.reset());

  afterAll(async () => {
    await sut.stop();
  });

  async function expectInvalidGrant(response: Promise<Response>): Promise<void> {
    const answered = await response;
    expect(answered.status).toBe(400);
    expect(await answered.json()).toEqual({ error: 'invalid_grant' });
  }

  describe('sign-in page', () => {
    it('is self-contained HTML with one button per agent, each form carrying the request and its agent_id', async () => {
      const pkce = pkcePair();

      const response = await getAuthorize(sut, authorizeParams(pkce));

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('cache-control')).toBe('no-store');
      const html = await response.text();
      expect(html).not.toMatch(/<script|<link|<img|\ssrc=|https?:\/\/(?!panel\.example)/i);
      const forms = formsOf(html);
      expect([...forms.keys()]).toEqual(['Sign in as Demo Agent (1001)', 'Sign in as Second Agent (1002)']);
      expect(forms.get('Sign in as Second Agent (1002)')).toEqual({ ...authorizeParams(pkce), agent_id: '1002' });
    });

    it('escapes what the client sent, so a forged state cannot add markup', async () => {
      const state = '"><script>alert(1)</script><b x=\'';

      const html = await (await getAuthorize(sut, authorizeParams(pkcePair(), { state }))).text();

      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<b x=');
      expect(formsOf(html).get('Sign in as Demo Agent (1001)')?.state).toBe(state);
    });
  });

  describe('the code flow', () => {
    it('page, click, code at the redirect_uri, token with the verifier: an id_token about the agent, with the nonce', async () => {
      const pkce = pkcePair();
      const page = await (await getAuthorize(sut, authorizeParams(pkce))).text();
      const clicked = formsOf(page).get('Sign in as Demo Agent (1001)')!;

      const redirect = redirectedQuery(await postAuthorize(sut, clicked));
      expect(redirect.get('state')).toBe('state-42');
      expect(redirect.get('tab'), 'the redirect_uri keeps its own query').toBe('assist');
      const response = await redeemCode(sut, redirect.get('code')!, pkce.verifier);

      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const reply = (await response.json()) as Record<string, unknown>;
      expect(reply).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        id_token: expect.any(String),
      });
      const idToken = reply.id_token as string;
      expect(idTokenProblems(idToken, await jwks(sut), sut.issuer)).toEqual([]);
      const claims = decodePart(idToken.split('.')[1]);
      expect(claims).toMatchObject({
        iss: sut.issuer,
        aud: SPEC_CLIENT_ID,
        sub: 'user:1001',
        nonce: 'nonce-7',
        tenantId: TENANT_ID,
        icAgentId: '1001',
        name: 'Demo Agent',
      });
      expect(claims.exp).toBe((claims.iat as number) + 3600);
      const search = await fetch(`${sut.baseUrl}/api/v2/knowledge/articles/search?q=voicemail`, {
        headers: { authorization: `Bearer ${String(reply.access_token)}` },
      });
      expect(search.status, 'the access token is one the simulator accepts').toBe(200);
    });

    it('signs in the agent chosen: the second button gives icAgentId 1002', async () => {
      const pkce = pkcePair();

      const reply = await redeemCode(sut, await issueCode(sut, pkce, '1002'), pkce.verifier);

      const claims = decodePart(((await reply.json()) as { id_token: string }).id_token.split('.')[1]);
      expect(claims).toMatchObject({ sub: 'user:1002', icAgentId: '1002', name: 'Second Agent' });
    });

    it('checks S256 as RFC 7636 computes it (its Appendix B vector)', async () => {
      const pkce = { verifier: RFC_VERIFIER, challenge: RFC_CHALLENGE };

      expect((await redeemCode(sut, await issueCode(sut, pkce), RFC_VERIFIER)).status).toBe(200);
    });

    it('refuses a wrong code_verifier, or none, with invalid_grant', async () => {
      const pkce = pkcePair();

      await expectInvalidGrant(redeemCode(sut, await issueCode(sut, pkce), pkcePair().verifier));
      await expectInvalidGrant(redeemCode(sut, await issueCode(sut, pkce), ''));
    });

    it('refuses a redirect_uri other than the one the code was issued for', async () => {
      const pkce = pkcePair();

      await expectInvalidGrant(
        redeemCode(sut, await issueCode(sut, pkce), pkce.verifier, 'https://panel.example/callback'),
      );
    });

    it('redeems a code once: a replay gets invalid_grant', async () => {
      const pkce = pkcePair();
      const code = await issueCode(sut, pkce);

      expect((await redeemCode(sut, code, pkce.verifier)).status).toBe(200);
      await expectInvalidGrant(redeemCode(sut, code, pkce.verifier));
    });

    it('refuses a code past its lifetime (setAuthorizationCodeTtl, until reset())', async () => {
      sut.setAuthorizationCodeTtl(0.05);
      const pkce = pkcePair();
      const code = await issueCode(sut, pkce);
      await new Promise((resolve) => setTimeout(resolve, 80));

      await expectInvalidGrant(redeemCode(sut, code, pkce.verifier));
      sut.reset();
      const lasting = await issueCode(sut, pkce);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect((await redeemCode(sut, lasting, pkce.verifier)).status).toBe(200);
    });

    it('refuses a code never issued, and a redemption without the client credentials', async () => {
      const pkce = pkcePair();
      const code = await issueCode(sut, pkce);

      await expectInvalidGrant(redeemCode(sut, 'never-issued', pkce.verifier));
      const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
      const noClient = await postToken(sut, form, basic(SPEC_CLIENT_ID, 'nope'));
      expect(noClient.status).toBe(401);
      expect(await noClient.json()).toEqual({ error: 'invalid_client' });
    });
  });

  describe('bad authorize requests', () => {
    it.each([
      ['an unknown client_id', { client_id: 'another-client' }],
      ['no client_id', { client_id: undefined }],
      ['a relative redirect_uri', { redirect_uri: '/callback' }],
      ['a javascript: redirect_uri', { redirect_uri: 'javascript:alert(1)' }],
      ['a redirect_uri with a fragment', { redirect_uri: 'https://panel.example/cb#x' }],
      ['no redirect_uri', { redirect_uri: undefined }],
    ])('%s gets a 400 page, never a redirect (GET and POST)', async (_case, overrides) => {
      const params = authorizeParams(pkcePair(), overrides);

      for (const response of [
        await getAuthorize(sut, params),
        await postAuthorize(sut, { ...params, agent_id: '1001' }),
      ]) {
        expect(response.status).toBe(400);
        expect(response.headers.get('location')).toBeNull();
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(await response.text()).toContain('Sign-in refused');
      }
    });

    it.each([
      ['a plain challenge', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['no challenge method', { code_challenge_method: undefined }, 'invalid_request'],
      ['no challenge', { code_challenge: undefined }, 'invalid_request'],
      ['a challenge that is no SHA-256 digest', { code_challenge: 'short' }, 'invalid_request'],
      ['no nonce', { nonce: undefined }, 'invalid_request'],
      ['no response_type', { response_type: undefined }, 'invalid_request'],
      ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ])(
      '%s goes back to the redirect_uri with error=%s and the state, on GET and POST',
      async (_case, overrides, error) => {
        const params = authorizeParams(pkcePair(), overrides);

        for (const response of [
          await getAuthorize(sut, params),
          await postAuthorize(sut, { ...params, agent_id: '1001' }),
        ]) {
          const query = redirectedQuery(response);
          expect(query.get('error')).toBe(error);
          expect(query.get('state')).toBe('state-42');
          expect(query.has('code')).toBe(false);
        }
      },
    );

    it('refuses a request without state, and a click for an agent the tenant does not have', async () => {
      const pkce = pkcePair();

      const noState = redirectedQuery(await getAuthorize(sut, authorizeParams(pkce, { state: undefined })));
      const unknownAgent = redirectedQuery(await postAuthorize(sut, { ...authorizeParams(pkce), agent_id: '9999' }));

      expect(noState.get('error')).toBe('invalid_request');
      expect(unknownAgent.get('error')).toBe('invalid_request');
      expect(unknownAgent.get('state')).toBe('state-42');
      expect(unknownAgent.has('code')).toBe(false);
    });

    it('answers other methods with 405', async () => {
      const response = await fetch(`${sut.issuer}/auth/authorize`, { method: 'PUT' });

      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST');
    });
  });

  it('records the requests and tells observers, but never a code, verifier or token', async () => {
    const seen: SimActivity[] = [];
    sut.onActivity((activity) => seen.push(activity));
    const pkce = pkcePair();
    await getAuthorize(sut, authorizeParams(pkce));
    const code = await issueCode(sut, pkce);
    const reply = (await (await redeemCode(sut, code, pkce.verifier)).json()) as Record<string, string>;

    expect(sut.received.authorizations.map(({ method, status }) => [method, status])).toEqual([
      ['GET', 200],
      ['POST', 302],
    ]);
    expect(sut.received.authorizations[1]?.body).toMatchObject({ agent_id: '1001', nonce: 'nonce-7' });
    expect(sut.received.authTokens[0]?.body).toEqual({
      grant_type: 'authorization_code',
      code: MASKED,
      redirect_uri: REDIRECT_URI,
      code_verifier: MASKED,
    });
    expect(seen.map((activity) => activity.kind === 'request' && activity.endpoint)).toEqual([
      'authorize',
      'authorize',
      'auth-token',
    ]);
    const recorded = JSON.stringify(sut.received);
    for (const secret of [code, pkce.verifier, reply.access_token!, reply.id_token!]) {
      expect(recorded).not.toContain(secret);
    }
  });
});

describe(`${CxoneSimulator.name} real profile: the agents option`, () => {
  it('offers the agents given, escaped on the page', async () => {
    const sut = new CxoneSimulator({
      clientId: SPEC_CLIENT_ID,
      clientSecret: SPEC_CLIENT_SECRET,
      agents: [{ agentId: '77', name: 'Ann <& "Bo">' }],
    });
    await sut.start();
    try {
      const html = await (await getAuthorize(sut, authorizeParams(pkcePair()))).text();

      expect(html).toContain('Sign in as Ann &lt;&amp; &quot;Bo&quot;&gt; (77)');
      expect([...formsOf(html).keys()]).toEqual(['Sign in as Ann <& "Bo"> (77)']);
    } finally {
      await sut.stop();
    }
  });

  it('defaults to Demo Agent 1001 and Second Agent 1002, and refuses an empty or ambiguous list', () => {
    expect(DEFAULT_AGENTS).toEqual([
      { agentId: '1001', name: 'Demo Agent' },
      { agentId: '1002', name: 'Second Agent' },
    ]);
    const options = { clientId: SPEC_CLIENT_ID, clientSecret: SPEC_CLIENT_SECRET };
    expect(() => new CxoneSimulator({ ...options, agents: [] })).toThrow(RangeError);
    expect(
      () => new CxoneSimulator({ ...options, agents: [DEFAULT_AGENTS[0]!, { agentId: '1001', name: 'Twin' }] }),
    ).toThrow(RangeError);
    expect(() => new CxoneSimulator({ ...options, agents: [{ agentId: '', name: 'Nobody' }] })).toThrow(RangeError);
  });
});
