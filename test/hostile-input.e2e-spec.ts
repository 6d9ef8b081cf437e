import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator, type KbArticle } from '../src/simulator/index.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment, turnEnd } from './support/events.js';
import { acceptedPush, askFor, bearersSeen, counter, readiness, type Readiness } from './support/probes.js';

/**
 * Untrusted input from both sides of the service: hostile stream frames from CXone's socket and hostile
 * knowledge articles from its search API. Nothing of it may break the stream, leak into a query or a
 * card, or cost another call its cards.
 */

const simulators: CxoneSimulator[] = [];
const apps: AppProcess[] = [];
const storePaths: string[] = [];

async function startPair(
  articles?: KbArticle[],
  env: Record<string, string> = {},
): Promise<{ simulator: CxoneSimulator; app: AppProcess }> {
  const simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, articles });
  simulators.push(simulator);
  await simulator.start();
  const storePath = mkdtempSync(join(tmpdir(), 'hostile-e2e-feedback-'));
  storePaths.push(storePath);
  const app = new AppProcess(tenantEnv(simulator, { FEEDBACK_STORE_PATH: storePath, ...env }));
  apps.push(app);
  await app.start();
  await app.waitForReady();
  return { simulator, app };
}

afterAll(async () => {
  for (const app of apps) await app.stop().catch(() => undefined);
  for (const simulator of simulators) await simulator.stop();
  for (const path of storePaths) rmSync(path, { recursive: true, force: true });
});

/** Text that must never show up in a log line: frames are logged without their content. */
const MARKER = 'hostile-marker-q7Zk';

const invalidFrames = (r: Readiness) =>
  Object.fromEntries(
    Object.entries(r.pipeline.counters).filter(([name]) => name.startsWith('stream_invalid_frames{')),
  ) as Record<string, number>;

const reasonCounter = (reason: string) => `stream_invalid_frames{reason="${reason}"}`;

describe('hostile input (e2e): stream frames', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    ({ simulator, app } = await startPair());
  });

  const fragmentJson = (fields: Record<string, unknown>) =>
    JSON.stringify({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'hostile-target', text: MARKER, ...fields });

  /** [what, raw frame, the reason it must be counted under]. */
  const HOSTILE_FRAMES: [string, string, string][] = [
    ['truncated JSON', fragmentJson({}).slice(0, -5), 'invalid-json'],
    ['garbage', `${MARKER} <<not json at all>>`, 'invalid-json'],
    ['an empty frame', '', 'invalid-json'],
    ['a BOM before the JSON', `\ufeff${fragmentJson({})}`, 'invalid-json'],
    ['a numeric interactionId', fragmentJson({ interactionId: 42 }), 'invalid-fields'],
    ['an object as text', fragmentJson({ text: { nested: MARKER } }), 'invalid-fields'],
    ['a string sequence', fragmentJson({ sequence: '7' }), 'invalid-fields'],
    ['an unknown speaker', fragmentJson({ speaker: 'BOT' }), 'invalid-fields'],
    [
      'a DIALOG_STATE without state',
      JSON.stringify({ type: 'DIALOG_STATE', interactionId: 'hostile-target' }),
      'invalid-fields',
    ],
    ['null fields', fragmentJson({ interactionId: null, text: null }), 'invalid-fields'],
    [
      'an unknown type',
      JSON.stringify({ type: 'HEARTBEAT', interactionId: 'hostile-target', text: MARKER }),
      'unknown-type',
    ],
    ['a lower-case type', fragmentJson({ type: 'transcript_fragment' }), 'unknown-type'],
    ['a prototype-named type', JSON.stringify({ type: '__proto__', interactionId: 'x' }), 'unknown-type'],
    ['a null type', JSON.stringify({ type: null, interactionId: 'x', text: MARKER }), 'unknown-type'],
    ['no type', JSON.stringify({ interactionId: 'x', text: MARKER }), 'unknown-type'],
    ['an empty array', '[]', 'not-an-object'],
    [
      'an array of valid events',
      JSON.stringify([JSON.parse(fragmentJson({})), turnEnd('hostile-target')]),
      'not-an-object',
    ],
    ['null', 'null', 'not-an-object'],
    ['a number', '42', 'not-an-object'],
    ['a string', JSON.stringify(MARKER), 'not-an-object'],
    ['a 2 MB frame', fragmentJson({ text: `${MARKER} `.repeat(Math.ceil((2 * 1024 * 1024) / 20)) }), 'oversized'],
    ['a 100 KB interactionId', fragmentJson({ interactionId: 'i'.repeat(100 * 1024) }), 'oversized'],
    ['a 1 MB text', fragmentJson({ text: 'x'.repeat(1024 * 1024) }), 'oversized'],
    // Under the 64 KiB frame limit, so the field rules themselves must refuse them.
    ['a 10 KB interactionId', fragmentJson({ interactionId: 'i'.repeat(10 * 1024) }), 'invalid-fields'],
    ['a 30 KB text', fragmentJson({ text: `${MARKER} `.repeat(1500) }), 'invalid-fields'],
    ['an interactionId with a newline', fragmentJson({ interactionId: 'hostile\ntarget' }), 'invalid-fields'],
  ];

  it('skips and counts every hostile frame, keeps the stream, and still serves the next turn', async () => {
    const before = await readiness(app);
    const handshakes = simulator.acceptedHandshakes;
    const expected: Record<string, number> = {};
    for (const [, raw, reason] of HOSTILE_FRAMES) {
      expect(simulator.send(raw)).toBe(1);
      expected[reason] = (expected[reason] ?? 0) + 1;
    }
    // Frames are read in order: once this turn has its cards, every hostile frame has been handled.
    askFor(simulator, 'hostile-after', 'I need to reset my voicemail PIN');
    const push = await acceptedPush(simulator, 'hostile-after');
    expect(push.body.insights[0].id).toBe('kb-tel-001');

    const after = await readiness(app);
    const counted = invalidFrames(after);
    for (const [reason, count] of Object.entries(expected)) {
      expect(counted[reasonCounter(reason)] ?? 0, `frames counted as ${reason}`).toBe(
        counter(before, reasonCounter(reason)) + count,
      );
    }
    // Nothing else was counted as invalid, and none became an event.
    const total = Object.values(counted).reduce((sum, n) => sum + n, 0);
    const totalBefore = Object.values(invalidFrames(before)).reduce((sum, n) => sum + n, 0);
    expect(total - totalBefore).toBe(HOSTILE_FRAMES.length);
    expect(
      counter(after, 'stream_events{type="TRANSCRIPT_FRAGMENT"}') -
        counter(before, 'stream_events{type="TRANSCRIPT_FRAGMENT"}'),
    ).toBe(1);
    // The stream was never dropped.
    expect(simulator.acceptedHandshakes).toBe(handshakes);
    expect(after.status).toBe(200);
    expect(after.stream).toMatchObject({ state: 'open', reconnects: before.stream.reconnects });
    // No hostile frame became a turn of the interaction it named.
    expect(cardsFor(simulator, 'hostile-target')).toHaveLength(0);
    expect(simulator.received.searches.some((search) => search.query.q?.includes(MARKER))).toBe(false);
    // Logged (at warn, one line per reason per 10 s), never with content.
    expect(app.logs).toContain('Skipped a stream frame');
    expect(app.logs).not.toContain(MARKER);
  });

  it('never lets control characters reach the knowledge query', async () => {
    const id = 'hostile-control-chars';
    simulator.send(fragment(id, 'my voicemail\u0000PIN\u001b[31m is locked\r\nplease\treset\u0007 it\u007f'));
    simulator.send(fragment(id, '\u0000\u001b\r\n'));
    simulator.send(fragment(id, 'the \u001b]0;pwned\u0007 mailbox'));
    simulator.send(turnEnd(id));

    await acceptedPush(simulator, id);
    const searches = simulator.received.searches.filter((search) => search.query.q?.includes('locked'));
    const query = searches.at(-1)!.query.q;
    expect(query).not.toMatch(/[\u0000-\u001f\u007f]/);
    // The words around the control characters are all still there.
    for (const word of ['voicemail', 'PIN', 'locked', 'please', 'reset', 'mailbox']) expect(query).toContain(word);
  });

  it('takes a flood of 10,000 valid events across 500 interactions without losing a turn', async () => {
    const INTERACTIONS = 500;
    const WITH_TURN_END = 400;
    const EVENTS_EACH = 20;
    const before = await readiness(app);
    const handshakes = simulator.acceptedHandshakes;
    const idOf = (i: number) => `hostile-flood-${i}`;
    const turnEnded = (i: number) => i < WITH_TURN_END;

    // Round-robin, as concurrent calls interleave on the real stream; each turn-ended call ends with TURN_END.
    let sent = 0;
    const readySamples: number[] = [];
    for (let round = 0; round < EVENTS_EACH; round++) {
      for (let i = 0; i < INTERACTIONS; i++) {
        const last = round === EVENTS_EACH - 1;
        simulator.send(last && turnEnded(i) ? turnEnd(idOf(i)) : fragment(idOf(i), 'I need to reset my voicemail PIN'));
        sent++;
      }
    }
    expect(sent).toBe(10_000);

    const missing = () =>
      Array.from({ length: WITH_TURN_END }, (_, i) => idOf(i)).filter(
        (id) => !cardsFor(simulator, id).some((request) => request.status === 201),
      );
    await simulator.waitFor(
      async () => {
        readySamples.push((await app.getJson('/health/ready')).status);
        return missing().length === 0;
      },
      90_000,
      'cards for every interaction that ended its turn',
    );

    const after = await readiness(app);
    readySamples.push(after.status);
    expect(readySamples.every((status) => status === 200)).toBe(true);
    expect(simulator.acceptedHandshakes).toBe(handshakes);
    expect(after.stream.reconnects).toBe(before.stream.reconnects);
    // Every event was read as a valid event; none was refused.
    const delta = (name: string) => counter(after, name) - counter(before, name);
    expect(delta('stream_events{type="TRANSCRIPT_FRAGMENT"}')).toBe(
      WITH_TURN_END * (EVENTS_EACH - 1) + 100 * EVENTS_EACH,
    );
    expect(delta('stream_events{type="DIALOG_STATE"}')).toBe(WITH_TURN_END);
    expect(
      Object.values(invalidFrames(after)).reduce((sum, n) => sum + n, 0) -
        Object.values(invalidFrames(before)).reduce((sum, n) => sum + n, 0),
    ).toBe(0);
    // One push per turn-ended call (its one utterance, or later ones deduplicated).
    for (let i = 0; i < WITH_TURN_END; i++) {
      expect(cardsFor(simulator, idOf(i)).filter((request) => request.status === 201).length).toBeGreaterThanOrEqual(1);
    }
  }, 150_000);

  // Up to the socket limit (16 MiB) an oversized frame is skipped and the stream goes on.
  it('skips a 5 MB frame without dropping the stream', async () => {
    const before = await readiness(app);
    const handshakes = simulator.acceptedHandshakes;
    simulator.send(fragmentJson({ text: 'x'.repeat(5 * 1024 * 1024) }));
    askFor(simulator, 'hostile-after-5mb');

    await acceptedPush(simulator, 'hostile-after-5mb', 10_000);
    const after = await readiness(app);
    expect(simulator.acceptedHandshakes).toBe(handshakes);
    expect(counter(after, reasonCounter('oversized'))).toBe(counter(before, reasonCounter('oversized')) + 1);
  });

  it('counts a frame beyond the socket limit (20 MB) as oversized and recovers by reconnecting', async () => {
    const before = await readiness(app);
    const handshakes = simulator.acceptedHandshakes;
    simulator.send(fragmentJson({ text: 'x'.repeat(20 * 1024 * 1024) }));
    await simulator.waitForConnections(handshakes + 1, 15_000);
    const after = await readiness(app);
    expect(counter(after, reasonCounter('oversized'))).toBe(counter(before, reasonCounter('oversized')) + 1);
    askFor(simulator, 'hostile-after-20mb');
    await acceptedPush(simulator, 'hostile-after-20mb', 10_000);
  });
});

describe('hostile input (e2e): knowledge articles', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  const nested = (depth: number, inner: string) => '<div><span>'.repeat(depth) + inner + '</span></div>'.repeat(depth);
  const HOSTILE_ARTICLES: KbArticle[] = [
    {
      id: 'hx-script',
      title: 'Router restart steps',
      body: '<p>Unplug the router for ten seconds.</p><script>alert(1)</script><style>p{color:red}</style><iframe src="javascript:alert(11)"></iframe><svg onload="alert(12)"></svg>',
      url: 'https://kb.example.com/router/restart',
      tags: ['router'],
    },
    {
      id: 'hx-img',
      title: 'Router lights explained',
      body: '<img src=x onerror="alert(2)">A blinking orange light means the router lost its line.<a href="javascript:alert(21)">details</a>',
      url: 'https://kb.example.com/router/lights',
      tags: ['router'],
    },
    {
      id: 'hx-nested',
      title: 'Router placement',
      body:
        nested(500, '<ul><li><p><b><i>Place the router high up, away from microwaves.</i></b></p></li></ul>') + '<div',
      url: 'https://kb.example.com/router/placement',
      tags: ['router'],
    },
    {
      id: 'hx-huge',
      title: 'Router firmware release notes',
      body: '<p>Router firmware notes. </p>'.repeat(Math.ceil((1024 * 1024) / 28)),
      url: 'https://kb.example.com/router/firmware',
      tags: ['router'],
    },
    {
      id: 'hx-html-title',
      title: '<b>Router</b> password <script>alert(5)</script>reset <img src=x onerror=alert(55)>',
      body: '<p>Hold the reset button on the router for 30 seconds.</p>',
      url: 'https://kb.example.com/router/password',
      tags: ['router'],
    },
    {
      id: 'hx-entities',
      title: 'Router admin page',
      body: '<p>Type &lt;script&gt;alert(6)&lt;/script&gt; nowhere: open the router admin page instead.</p>',
      url: 'https://kb.example.com/router/admin',
      tags: ['router'],
    },
    {
      id: 'hx-javascript-url',
      title: 'Router javascript url',
      body: '<p>router</p>',
      url: 'javascript:alert(1)',
      tags: ['router'],
    },
    {
      id: 'hx-javascript-url-disguised',
      title: 'Router disguised javascript url',
      body: '<p>router</p>',
      url: ' \tJaVaScRiPt:alert(1)',
      tags: ['router'],
    },
    {
      id: 'hx-data-url',
      title: 'Router data url',
      body: '<p>router</p>',
      url: 'data:text/html,<script>alert(1)</script>',
      tags: ['router'],
    },
    {
      id: 'hx-protocol-relative',
      title: 'Router protocol relative url',
      body: '<p>router</p>',
      url: '//evil.example/router',
      tags: ['router'],
    },
    {
      id: 'hx-credentials',
      title: 'Router url with credentials',
      body: '<p>router</p>',
      url: 'http://user:pass@x.example/router',
      tags: ['router'],
    },
    {
      id: 'hx-relative',
      title: 'Router relative url',
      body: '<p>router</p>',
      url: '/articles/router',
      tags: ['router'],
    },
    {
      id: 'good-router',
      title: 'Fix a router that keeps dropping the connection',
      body: '<p>Check the cable, then restart the router and update its firmware.</p>',
      url: 'https://kb.example.com/router/dropping',
      tags: ['router'],
    },
  ];
  const SAFE_BODIES = ['hx-script', 'hx-img', 'hx-nested', 'hx-huge', 'hx-html-title', 'hx-entities', 'good-router'];
  const UNSAFE_URLS = HOSTILE_ARTICLES.map((a) => a.id).filter((id) => !SAFE_BODIES.includes(id));

  beforeAll(async () => {
    // Every hit must become a safe card or none: the relevance floors (tested elsewhere) would keep only the best.
    ({ simulator, app } = await startPair(HOSTILE_ARTICLES, {
      KB_PAGE_SIZE: '20',
      KB_CONFIDENT_SCORE: '0',
      KB_RELATIVE_SCORE: '0',
    }));
  });

  it('pushes only safe cards: http(s) citations without credentials, short plain-text snippets', async () => {
    const id = 'hostile-articles';
    askFor(simulator, id, 'my router keeps dropping the connection');
    await acceptedPush(simulator, id);
    // Every card of the call, whatever the number of pushes.
    const cards: any[] = cardsFor(simulator, id).flatMap((request) => request.body.insights);
    const ids = cards.map((card) => card.id);

    expect(ids).toContain('good-router');
    // Hostile bodies and titles are made safe, not a reason to lose the article...
    for (const safe of SAFE_BODIES) expect(ids).toContain(safe);
    // ...but an article without a safe citation never becomes a card.
    for (const unsafe of UNSAFE_URLS) expect(ids).not.toContain(unsafe);

    for (const card of cards) {
      const citation = new URL(card.citation);
      expect(['http:', 'https:']).toContain(citation.protocol);
      expect(citation.username).toBe('');
      expect(citation.password).toBe('');
      expect(card.citation).not.toMatch(/^\/\//);
      for (const [field, text] of [
        ['snippet', card.snippet],
        ['title', card.title],
      ] as const) {
        expect(typeof text, `${card.id} ${field}`).toBe('string');
        expect(text, `${card.id} ${field}`).not.toMatch(/<\s*[a-z!/?]/i);
        expect(text, `${card.id} ${field}`).not.toMatch(/[\u0000-\u001f\u007f]/);
        if (card.id !== 'hx-entities') {
          // Script, style and handler content never becomes text (hx-entities spells "alert(6)" as prose).
          expect(text, `${card.id} ${field}`).not.toMatch(/alert\(|onerror|onload|javascript:|color:red/i);
        }
      }
      expect(card.snippet.length, `${card.id} snippet`).toBeLessThanOrEqual(150);
    }
    const byId = new Map(cards.map((card) => [card.id, card]));
    expect(byId.get('good-router').snippet).toBe('Check the cable, then restart the router and update its firmware.');
    expect(byId.get('hx-script').snippet).toBe('Unplug the router for ten seconds.');
    expect(byId.get('hx-html-title').title).toBe('Router password reset');
    expect(byId.get('hx-img').snippet).toContain('A blinking orange light means the router lost its line.');
    const ready = await readiness(app);
    expect(ready.status).toBe(200);
  });
});

describe('hostile input (e2e): secrets', () => {
  it('never logged the client secret or any access token the simulators saw', () => {
    const tokens = new Set(simulators.flatMap((simulator) => [...bearersSeen(simulator)]));
    expect(tokens.size).toBeGreaterThanOrEqual(1);
    expect(apps.length).toBeGreaterThanOrEqual(2);
    for (const app of apps) {
      const logs = app.logs;
      expect(logs.length).toBeGreaterThan(0);
      expect(logs).not.toContain(TEST_CLIENT_SECRET);
      expect(logs).not.toMatch(/access_token=/);
      for (const token of tokens) expect(logs.includes(token), 'an access token in the logs').toBe(false);
    }
  });
});
