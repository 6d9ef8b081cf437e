import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dekiSignature, dekiToken } from './deki-token.js';
import { CxoneSimulator, MASKED, type ExpertHit, type ExpertSearch, type KbArticle } from './index.js';
import { SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

const EXPERT = { key: 'spec-expert-key', secret: 'spec-expert-secret', user: '=spec_user' };
const BULK_ARTICLES = 120;
const ARTICLES: KbArticle[] = [
  {
    id: 'a-pin',
    title: 'Reset a voicemail PIN',
    body: '<p>Reset the <b>voicemail</b> PIN from Line settings &amp; security.</p>',
    url: 'https://kb.example.com/a-pin',
  },
  {
    id: 'a-greeting',
    title: 'Change the voicemail greeting',
    body: '<p>Record a new greeting from the voicemail menu.</p>',
    url: 'https://kb.example.com/a-greeting',
  },
  {
    id: 'a-roaming',
    title: 'Set up international roaming',
    body: '<p>Add a roaming pass before the trip.</p>',
    url: 'https://kb.example.com/a-roaming',
  },
  ...Array.from({ length: BULK_ARTICLES }, (_, i) => ({
    id: `bulk-${i}`,
    title: `Widget manual part ${i}`,
    body: '<p>Widget assembly steps.</p>',
    url: `https://kb.example.com/bulk-${i}`,
  })),
];

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe(`${CxoneSimulator.name} real profile: CXone Expert site/query`, () => {
  let sut: CxoneSimulator;

  beforeAll(async () => {
    sut = new CxoneSimulator({
      clientId: SPEC_CLIENT_ID,
      clientSecret: SPEC_CLIENT_SECRET,
      articles: ARTICLES,
      expert: EXPERT,
    });
    await sut.start();
  });

  afterEach(() => sut.reset());

  afterAll(async () => {
    await sut.stop();
  });

  function query(params: Record<string, string>, token: string | null = dekiToken(EXPERT, nowSeconds())) {
    const search = new URLSearchParams({ 'dream.out.format': 'json', ...params });
    return fetch(`${sut.issuer}/@api/deki/site/query?${search}`, {
      headers: token === null ? {} : { 'X-Deki-Token': token },
    });
  }

  async function results(q: string, extra: Record<string, string> = {}): Promise<ExpertSearch> {
    const response = await query({ q, ...extra });
    expect(response.status).toBe(200);
    return (await response.json()) as ExpertSearch;
  }

  describe('reply shape', () => {
    it('gives "" for no hit, the hit itself for one, and an array for several, with string counts', async () => {
      const none = await results('xylophone');
      const one = await results('roaming');
      const several = await results('voicemail');

      expect(none).toMatchObject({ '@count': '0', '@querycount': '0', '@ranking': 'adaptive', result: '' });
      expect(one).toMatchObject({ '@count': '1', '@querycount': '1' });
      expect(Array.isArray(one.result)).toBe(false);
      expect((one.result as ExpertHit).title).toBe('Set up international roaming');
      expect(several['@count']).toBe('2');
      expect((several.result as ExpertHit[]).map((hit) => hit.title)).toEqual([
        'Reset a voicemail PIN',
        'Change the voicemail greeting',
      ]);
      const queryIds = [none, one, several].map((reply) => reply['@queryid']);
      expect(queryIds.every((id) => /^\d+$/.test(id))).toBe(true);
      expect(new Set(queryIds).size).toBe(3);
    });

    it('renders a hit as Expert does: string values, page URLs on the site, an HTML preview', async () => {
      const hit = (await results('roaming')).result as ExpertHit;
      const id = sut.expertPageId('a-roaming')!;
      const uri = `${sut.issuer}/Knowledge/Set_up_international_roaming`;

      expect(id).toMatch(/^\d+$/);
      expect(hit).toEqual({
        id,
        title: 'Set up international roaming',
        uri,
        'uri.track': `${sut.issuer}/@go/page/${id}`,
        rank: expect.stringMatching(/^0\.\d+$|^1$/),
        preview: '<p>Add a <strong>roaming</strong> pass before the trip.</p>',
        'date.modified': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        type: 'page',
        page: { title: 'Set up international roaming', 'uri.ui': uri, path: 'Knowledge/Set_up_international_roaming' },
      });
      const leaves = (value: unknown): unknown[] =>
        typeof value === 'object' && value !== null ? Object.values(value).flatMap(leaves) : [value];
      expect(leaves(hit).every((leaf) => typeof leaf === 'string')).toBe(true);
    });

    it('keeps entities intact in the preview while marking the query words', async () => {
      const hits = (await results('security')).result as ExpertHit;

      expect(hits.preview).toBe('<p>Reset the voicemail PIN from Line settings &amp; <strong>security</strong>.</p>');
    });

    it('returns 10 hits by default, as many as `limit` asks, and at most 100', async () => {
      const byDefault = await results('widget');
      const three = await results('widget', { limit: '3' });
      const tooMany = await results('widget', { limit: '500' });

      expect(byDefault).toMatchObject({ '@count': '10', '@querycount': String(BULK_ARTICLES) });
      expect(three.result).toHaveLength(3);
      expect(tooMany.result).toHaveLength(100);
    });

    it('answers in XML when dream.out.format=json is missing, as Expert does by default', async () => {
      const response = await fetch(`${sut.issuer}/@api/deki/site/query?q=roaming`, {
        headers: { 'X-Deki-Token': dekiToken(EXPERT, nowSeconds()) },
      });

      expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
      const xml = await response.text();
      expect(xml).toMatch(
        /^<\?xml version="1.0" encoding="utf-8"\?><search count="1" querycount="1" ranking="adaptive" queryid="\d+"><result><id>\d+<\/id><title>Set up international roaming<\/title>/,
      );
      expect(xml).toContain('<preview>&lt;p&gt;Add a &lt;strong&gt;roaming&lt;/strong&gt; pass');
    });

    it('answers 400 without q and 405 to another method', async () => {
      const response = await query({});
      const post = await fetch(`${sut.issuer}/@api/deki/site/query?q=pin&dream.out.format=json`, {
        method: 'POST',
        headers: { 'X-Deki-Token': dekiToken(EXPERT, nowSeconds()) },
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ '@status': '400' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET');
      expect(sut.helpRequests).toBe(0);
    });
  });

  describe('X-Deki-Token', () => {
    it('accepts the HMAC in lowercase and in uppercase hex', async () => {
      const epoch = nowSeconds();
      const hex = dekiSignature(EXPERT, epoch);

      for (const signature of [hex.toLowerCase(), hex.toUpperCase()]) {
        const response = await query({ q: 'roaming' }, `tkn_${EXPERT.key}_${epoch}_${EXPERT.user}_${signature}`);
        expect(response.status).toBe(200);
      }
    });

    it.each([
      ['missing', () => null],
      ['malformed', () => 'tkn_garbage'],
      ['unknown key', () => dekiToken({ ...EXPERT, key: 'other-key' }, nowSeconds())],
      ['unknown user', () => dekiToken({ ...EXPERT, user: '=someone-else' }, nowSeconds())],
      ['numeric user not configured', () => dekiToken({ ...EXPERT, user: '42' }, nowSeconds())],
      ['wrong HMAC', () => dekiToken({ ...EXPERT, secret: 'wrong-secret' }, nowSeconds())],
      // Two seconds past the window, so a clock tick during the request cannot bring it back inside.
      ['stale epoch', () => dekiToken(EXPERT, nowSeconds() - 302)],
      ['future epoch', () => dekiToken(EXPERT, nowSeconds() + 302)],
    ])('refuses a %s token with 403 as Expert does, without counting a HelpRequest', async (_case, token) => {
      const response = await query({ q: 'roaming' }, token());

      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        '@status': '403',
        exception: 'MindTouch.Deki.Exceptions.ForbiddenException',
        message: expect.stringContaining('X-Deki-Token'),
      });
      expect(sut.helpRequests).toBe(0);
    });

    it('accepts epochs just inside the 300 s window on both sides', async () => {
      const stale = await query({ q: 'roaming' }, dekiToken(EXPERT, nowSeconds() - 298));
      const future = await query({ q: 'roaming' }, dekiToken(EXPERT, nowSeconds() + 298));

      expect([stale.status, future.status]).toEqual([200, 200]);
    });

    it('records the query with the token signature masked (key, epoch and user kept)', async () => {
      const epoch = nowSeconds();
      await query({ q: 'roaming', limit: '5' }, dekiToken(EXPERT, epoch));

      const [recorded] = sut.received.expertQueries;
      expect(recorded).toMatchObject({
        method: 'GET',
        path: '/@api/deki/site/query',
        query: { q: 'roaming', limit: '5', 'dream.out.format': 'json' },
        status: 200,
      });
      expect(recorded?.headers['x-deki-token']).toBe(`tkn_${EXPERT.key}_${epoch}_${EXPERT.user}_${MASKED}`);
      expect(JSON.stringify(sut.received)).not.toContain(dekiSignature(EXPERT, epoch));
    });
  });

  describe('HelpRequests', () => {
    it('counts every search run (even one without hits), not faulted ones; reset() clears the count', async () => {
      await results('roaming');
      await results('xylophone');
      sut.failNext('expert-query', { status: 503 });
      expect((await query({ q: 'roaming' })).status).toBe(503);

      expect(sut.helpRequests).toBe(2);
      expect(sut.received.expertQueries.map((r) => r.status)).toEqual([200, 200, 503]);
      sut.reset();
      expect(sut.helpRequests).toBe(0);
    });
  });

  describe('faults', () => {
    it('failNext can answer an HTML page with 200, as a sign-in proxy in front of the site would', async () => {
      const page = '<!DOCTYPE html><html><body>Please sign in</body></html>';
      sut.failNext('expert-query', { status: 200, rawBody: page, contentType: 'text/html; charset=utf-8' });

      const response = await query({ q: 'roaming' });

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toBe(page);
      expect(sut.helpRequests).toBe(0);
      expect((await query({ q: 'roaming' })).headers.get('content-type')).toBe('application/json; charset=utf-8');
    });
  });
});
