import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CxoneSimulator } from './index.js';

const CLIENT_ID = 'spec-client';
const CLIENT_SECRET = 'spec-secret';

describe(CxoneSimulator.name, () => {
  let sut: CxoneSimulator;

  beforeEach(async () => {
    sut = new CxoneSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    await sut.start();
  });

  afterEach(async () => {
    await sut.stop();
  });

  function requestToken(form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(sut.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
  }

  async function issueToken(): Promise<string> {
    const response = await requestToken({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function search(q: string, token: string, pageSize = 5): Promise<Response> {
    const query = new URLSearchParams({ q, language: 'en-US', page: '1', pageSize: String(pageSize) });
    return fetch(`${sut.baseUrl}/api/v2/knowledge/articles/search?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  }

  function postCards(token: string, body: string): Promise<Response> {
    return fetch(`${sut.baseUrl}/api/v2/agentassist/insights`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
  }

  describe('token endpoint', () => {
    it('issues an opaque bearer token for credentials in the form body', async () => {
      const response = await requestToken({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });

      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
      expect(String(body.access_token).length).toBeGreaterThanOrEqual(32);
      expect(sut.received.tokens).toHaveLength(1);
      expect(sut.received.tokens[0]).toMatchObject({ method: 'POST', status: 200, body: { client_id: CLIENT_ID } });
    });

    it('issues a token for credentials in an HTTP Basic header', async () => {
      const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');

      const response = await requestToken({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });

      expect(response.status).toBe(200);
    });

    it('rejects wrong credentials with 401 invalid_client, in the body or in Basic', async () => {
      const wrongBody = await requestToken({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: 'nope',
      });
      const basic = Buffer.from(`${CLIENT_ID}:nope`).toString('base64');
      const wrongBasic = await requestToken({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
      const missing = await requestToken({ grant_type: 'client_credentials' });

      for (const response of [wrongBody, wrongBasic, missing]) {
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ error: 'invalid_client' });
      }
      expect(sut.received.tokens.map((r) => r.status)).toEqual([401, 401, 401]);
    });

    it('rejects another grant type with 400', async () => {
      const response = await requestToken({
        grant_type: 'password',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });

      expect(response.status).toBe(400);
    });
  });

  describe('REST authentication', () => {
    it('answers 401 with WWW-Authenticate when the bearer token is missing', async () => {
      const response = await fetch(`${sut.baseUrl}/api/v2/knowledge/articles/search?q=voicemail`);

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(sut.received.searches[0]?.status).toBe(401);
    });

    it('answers 401 once the tokens are revoked', async () => {
      const token = await issueToken();
      expect((await search('voicemail', token)).status).toBe(200);

      sut.revokeTokens();

      expect((await search('voicemail', token)).status).toBe(401);
    });

    it('answers 401 once a token outlives its ttl', async () => {
      sut.setTokenTtl(0.05);
      const token = await issueToken();
      await new Promise((resolve) => setTimeout(resolve, 80));

      expect((await search('voicemail', token)).status).toBe(401);
    });
  });

  describe('knowledge search', () => {
    it.each([
      ['I forgot my voicemail PIN and need to reset it', 'kb-tel-001'],
      ['there is a charge on my card I do not recognize, I want to dispute it', 'kb-bnk-001'],
      ['my order has not arrived yet, the delivery is late', 'kb-ret-001'],
    ])('ranks the obviously right article first for "%s"', async (q, expectedId) => {
      const response = await search(q, await issueToken());

      const body = (await response.json()) as {
        entities: { id: string; score: number; url: string }[];
        totalCount: number;
      };
      expect(body.entities[0]?.id).toBe(expectedId);
      expect(body.entities.length).toBeLessThanOrEqual(5);
      expect(body.totalCount).toBeGreaterThanOrEqual(body.entities.length);
      const scores = body.entities.map((e) => e.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores.every((s) => s > 0 && s <= 1)).toBe(true);
      expect(body.entities[0]?.url).toMatch(/^https:\/\/kb\.example\.com\/articles\//);
    });

    it('answers 400 without q and clamps pageSize to 50', async () => {
      const token = await issueToken();

      const missing = await fetch(`${sut.baseUrl}/api/v2/knowledge/articles/search`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const wide = (await (await search('card account order flight phone', token, 500)).json()) as {
        entities: unknown[];
      };

      expect(missing.status).toBe(400);
      expect(wide.entities.length).toBeLessThanOrEqual(50);
      expect(wide.entities.length).toBeGreaterThan(5);
    });
  });

  describe('cards and feedback', () => {
    it('records insights and answers 201 with the accepted count; malformed JSON is 400 and still recorded', async () => {
      const token = await issueToken();

      const accepted = await postCards(
        token,
        JSON.stringify({ interactionId: 'i-1', insights: [{ id: 'a' }, { id: 'b' }] }),
      );
      const malformed = await postCards(token, '{"insights": [');

      expect(accepted.status).toBe(201);
      expect(await accepted.json()).toEqual({ accepted: 2 });
      expect(malformed.status).toBe(400);
      expect(sut.received.cards.map((r) => r.status)).toEqual([201, 400]);
      expect(sut.received.cards[0]?.body.interactionId).toBe('i-1');
    });

    it('records feedback and answers 200', async () => {
      const token = await issueToken();

      const response = await fetch(`${sut.baseUrl}/api/v2/ai/training/feedback`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ interactionId: 'i-1', insightId: 'a', action: 'ACCEPTED', timestamp: 'now' }),
      });

      expect(response.status).toBe(200);
      expect(sut.received.feedback[0]?.body).toMatchObject({ action: 'ACCEPTED' });
    });

    it('answers 413 to a body over 1 MB and 404 to an unknown route', async () => {
      const token = await issueToken();

      const tooLarge = await postCards(token, JSON.stringify({ insights: ['x'.repeat(1024 * 1024)] }));
      const unknown = await fetch(`${sut.baseUrl}/api/v2/nothing-here`);

      expect(tooLarge.status).toBe(413);
      expect(sut.received.cards[0]?.status).toBe(413);
      expect(unknown.status).toBe(404);
    });
  });

  describe('faults', () => {
    it('answers a queued fault with Retry-After as many times as asked, then recovers', async () => {
      const token = await issueToken();
      sut.failNext('knowledge', { status: 429, retryAfter: '2', times: 2 });

      const first = await search('voicemail', token);
      const second = await search('voicemail', token);
      const third = await search('voicemail', token);

      expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
      expect(first.headers.get('retry-after')).toBe('2');
      expect(sut.received.searches.map((r) => r.status)).toEqual([429, 429, 200]);
    });

    it('delays answers by the configured latency', async () => {
      const token = await issueToken();
      sut.setLatency('cards', 150);

      const started = Date.now();
      const response = await postCards(token, JSON.stringify({ insights: [] }));

      expect(response.status).toBe(201);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('resets the connection without answering, and records it with status 0', async () => {
      const token = await issueToken();
      sut.resetConnections('feedback');

      const attempt = fetch(`${sut.baseUrl}/api/v2/ai/training/feedback`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', connection: 'close' },
        body: '{}',
      });

      await expect(attempt).rejects.toThrow();
      expect(sut.received.feedback[0]?.status).toBe(0);
    });

    it('reset() clears records and queued faults', async () => {
      sut.failNext('token', { status: 503 });
      sut.reset();

      await issueToken();

      expect(sut.received.tokens.map((r) => r.status)).toEqual([200]);
    });
  });

  describe('waitFor', () => {
    it('rejects with an error naming what it waited for', async () => {
      await expect(sut.waitFor(() => false, 50, 'a card for i-42')).rejects.toThrow(
        'Timed out after 50 ms waiting for a card for i-42',
      );
    });

    it('resolves with the first truthy value of the probe', async () => {
      setTimeout(() => sut.received.handshakes.push({ at: 1, status: 101 }), 20);

      await expect(sut.waitFor(() => sut.received.handshakes[0]?.status, 1000)).resolves.toBe(101);
    });

    it('awaits an async probe: a Promise of false is not a pass', async () => {
      await expect(sut.waitFor(async () => false, 50, 'an async condition')).rejects.toThrow(
        'Timed out after 50 ms waiting for an async condition',
      );
    });

    it('resolves with what an async probe resolves to, once it is truthy', async () => {
      let calls = 0;
      const probe = async () => (++calls >= 3 ? `after ${calls} probes` : undefined);

      await expect(sut.waitFor(probe, 1000)).resolves.toBe('after 3 probes');
    });

    it('treats a rejecting async probe as "not yet" and quotes its error on timeout', async () => {
      const probe = () => Promise.reject(new Error('not listening'));

      await expect(sut.waitFor(probe, 50, 'readiness')).rejects.toThrow('last probe error: not listening');
    });
  });
});
