import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_CLOSED_REQUEST, CxoneSimulator, type RecordedRequest } from '../src/simulator/index.js';
import { AppProcess, sleep, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment, verdict } from './support/events.js';
import {
  acceptedPush,
  askFor,
  bearerOf,
  bearersSeen,
  CLOCK_SLACK_MS,
  counter,
  gaps,
  readiness,
} from './support/probes.js';
import { residentSetMb, sampleResidentSet } from './support/process-stats.js';

/**
 * Faults the built service must ride through, each injected at the simulator over real sockets:
 * stream drops and refusals, token trouble, REST rate limits, errors, resets and timeouts, and a flood
 * of interactions that never end. Every suite owns its simulator and service, so no fault leaks into
 * the next one.
 */

const simulators: CxoneSimulator[] = [];
const apps: AppProcess[] = [];
const storePaths: string[] = [];
/** Bearer tokens seen by a simulator before its records were cleared, for the final log scan. */
const tokensSeenBeforeReset = new Set<string>();

async function startSimulator(options: { port?: number; tokenTtlSeconds?: number } = {}): Promise<CxoneSimulator> {
  const simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, ...options });
  simulators.push(simulator);
  await simulator.start();
  return simulator;
}

async function startApp(simulator: CxoneSimulator, env: Record<string, string> = {}): Promise<AppProcess> {
  // Its own feedback store: delivered verdicts are remembered, and must not leak into another run.
  const storePath = mkdtempSync(join(tmpdir(), 'faults-e2e-feedback-'));
  storePaths.push(storePath);
  const app = new AppProcess(tenantEnv(simulator, { FEEDBACK_STORE_PATH: storePath, ...env }));
  apps.push(app);
  await app.start();
  await app.waitForReady();
  return app;
}

const searchesFor = (simulator: CxoneSimulator, text: string) =>
  simulator.received.searches.filter((request) => request.query.q === text);

afterAll(async () => {
  for (const app of apps) await app.stop().catch(() => undefined);
  for (const simulator of simulators) await simulator.stop();
  for (const path of storePaths) rmSync(path, { recursive: true, force: true });
});

describe('faults (e2e): the stream', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await startSimulator();
    app = await startApp(simulator);
  });

  it('reconnects after an abrupt drop (1006) and measures how fast', async () => {
    const handshakes = simulator.acceptedHandshakes;
    const before = await readiness(app);
    const droppedAt = Date.now();
    simulator.dropConnections();

    await simulator.waitForConnections(handshakes + 1, 10_000);
    const accepted = simulator.received.handshakes.find((h) => h.status === 101 && h.at >= droppedAt)!;
    const reconnectMs = accepted.at - droppedAt;
    console.log(`[measure] reconnect after drop: ${reconnectMs} ms`);
    expect(reconnectMs).toBeLessThan(10_000);

    await app.waitForReady(10_000);
    const after = await readiness(app);
    expect(after.stream).toMatchObject({ state: 'open', lastCloseCode: 1006 });
    expect(after.stream.reconnects).toBeGreaterThan(before.stream.reconnects);
    askFor(simulator, 'flt-after-drop');
    await acceptedPush(simulator, 'flt-after-drop');
  });

  it.each([
    [1001, 'going away'],
    [1011, 'internal error'],
  ])('reconnects when the server closes with %i and reports the close code', async (code, reason) => {
    const handshakes = simulator.acceptedHandshakes;
    const before = await readiness(app);
    simulator.dropConnections(code, reason);

    await simulator.waitForConnections(handshakes + 1, 20_000);
    await app.waitForReady(10_000);
    const after = await readiness(app);
    expect(after.stream).toMatchObject({ state: 'open', lastCloseCode: code });
    expect(after.stream.reconnects).toBeGreaterThan(before.stream.reconnects);
    expect(app.logs).toContain(`Stream closed (code ${code})`);
    askFor(simulator, `flt-after-${code}`, 'how do I track a delayed order');
    await acceptedPush(simulator, `flt-after-${code}`);
  });

  it('answers a 401 handshake (revoked token) by fetching a new token, then reconnects', async () => {
    const handshakes = simulator.acceptedHandshakes;
    const tokensBefore = simulator.received.tokens.length;
    const refusedBefore = simulator.received.handshakes.filter((h) => h.status === 401).length;
    simulator.revokeTokens();
    simulator.dropConnections();

    await simulator.waitForConnections(handshakes + 1, 20_000);
    await app.waitForReady(10_000);
    const refused = simulator.received.handshakes.filter((h) => h.status === 401);
    // It came back with the token it held, was refused, and only then asked for a new one.
    expect(refused.length).toBeGreaterThan(refusedBefore);
    const newTokens = simulator.received.tokens.slice(tokensBefore).filter((t) => t.status === 200);
    expect(newTokens.length).toBeGreaterThanOrEqual(1);
    expect(newTokens[0].at).toBeGreaterThanOrEqual(refused[refusedBefore].at);
    const accepted = simulator.received.handshakes.filter((h) => h.status === 101).at(-1)!;
    expect(accepted.at).toBeGreaterThanOrEqual(newTokens[0].at);

    askFor(simulator, 'flt-after-401-handshake', 'I want to dispute a card transaction');
    const push = await acceptedPush(simulator, 'flt-after-401-handshake');
    // The REST call already used the new token: no 401 on the way.
    expect(cardsFor(simulator, 'flt-after-401-handshake').map((request) => request.status)).toEqual([201]);
    expect(bearersSeen(simulator).size).toBeGreaterThanOrEqual(2);
    expect(bearerOf(push)).toBeDefined();
  });
});

describe('faults (e2e): the stream refused while CXone is away', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await startSimulator();
    // Caps the reconnect backoff, so the time the service takes to notice the new simulator stays short
    // however many refused attempts came first; the backoff cap itself is not what this suite tests.
    app = await startApp(simulator, { STREAM_RECONNECT_MAX_MS: '2000' });
  });

  it('goes unready while refused, then reconnects to a new simulator on the same port and serves a turn', async () => {
    const port = Number(new URL(simulator.baseUrl).port);
    await simulator.stop();

    await app.waitForStatus('/health/ready', 503, 10_000);
    const down = await readiness(app);
    expect(down.status).toBe(503);
    expect(down.stream.status).toBe('down');
    expect(down.stream.state).not.toBe('open');
    // It keeps trying while refused (each refused attempt counts as a reconnect).
    let stillDown = await readiness(app);
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      if (stillDown.stream.reconnects > down.stream.reconnects + 1) break;
      await sleep(100);
      stillDown = await readiness(app);
    }
    expect(stillDown.status).toBe(503);
    expect(stillDown.stream.reconnects).toBeGreaterThan(down.stream.reconnects + 1);

    const next = await startSimulator({ port });
    await next.waitForConnections(1, 30_000);
    await app.waitForReady(10_000);
    // The new CXone never issued the token the service held: it had to get one from the new endpoint.
    expect(next.received.tokens.filter((t) => t.status === 200).length).toBeGreaterThanOrEqual(1);

    askFor(next, 'flt-after-refused');
    const push = await acceptedPush(next, 'flt-after-refused');
    expect(push.body.insights[0].id).toBe('kb-tel-001');
  });
});

describe('faults (e2e): short-lived tokens', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await startSimulator();
    app = await startApp(simulator);
  });

  it('keeps ready and keeps calling with fresh tokens when each token lives 3 s', async () => {
    simulator.setTokenTtl(3);
    // The held one-hour token is refused from now on: the next REST call's 401 fetches a 3 s token.
    simulator.revokeTokens();
    const tokensBefore = simulator.received.tokens.length;
    askFor(simulator, 'flt-ttl-first');
    const first = await acceptedPush(simulator, 'flt-ttl-first');

    const windowStart = Date.now();
    let samples = 0;
    let readySamples = 0;
    while (Date.now() - windowStart < 10_000) {
      const { status } = await app.getJson('/health/ready');
      samples++;
      if (status === 200) readySamples++;
      await sleep(200);
    }
    const lateText = 'how do I track a delayed order';
    askFor(simulator, 'flt-ttl-late', lateText);
    const late = await acceptedPush(simulator, 'flt-ttl-late');

    const issued = simulator.received.tokens.slice(tokensBefore).filter((t) => t.status === 200);
    console.log(
      `[measure] 3 s tokens: ${issued.length} issued over ${Date.now() - windowStart} ms; ready ${readySamples}/${samples} samples`,
    );
    expect(readySamples / samples).toBeGreaterThanOrEqual(0.8);
    // One after the revocation, then one about every 2.4 s (refreshed at 4/5 of the lifetime).
    expect(issued.length).toBeGreaterThanOrEqual(3);
    expect(late.status).toBe(201);
    // The late call carried a token issued long after the first 3 s one (which is dead by now), and
    // needed no 401 to get it: the token was refreshed ahead of expiry.
    expect(bearerOf(late)).not.toBe(bearerOf(first));
    expect(searchesFor(simulator, lateText).map((request) => request.status)).toEqual([200]);
    expect(cardsFor(simulator, 'flt-ttl-late').map((request) => request.status)).toEqual([201]);
  });
});

describe('faults (e2e): the token endpoint down', () => {
  const TTL_SECONDS = 15;
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await startSimulator({ tokenTtlSeconds: TTL_SECONDS });
    app = await startApp(simulator);
  });

  it('works on with the held token, goes unready when it expires, and recovers with the endpoint', async () => {
    const issuedAt = simulator.received.tokens.find((t) => t.status === 200)!.at;
    // The service learns of the expiry after the simulator fixed it: its own expiry is no earlier.
    const expiresAt = issuedAt + TTL_SECONDS * 1000;
    simulator.failNext('token', { status: 503, times: 1000 });

    // The service refreshes ahead of expiry (at 4/5 of the lifetime) and meets the outage...
    await simulator.waitFor(
      () => simulator.received.tokens.some((t) => t.status === 503),
      TTL_SECONDS * 1000 + 5000,
      'a refresh attempt during the outage',
    );
    // ...while the token it holds is still valid: it keeps working and stays ready.
    askFor(simulator, 'flt-tokdown-valid');
    const push = await acceptedPush(simulator, 'flt-tokdown-valid', 5000);
    const stillValid = await readiness(app);
    expect(push.at).toBeLessThan(expiresAt);
    expect(stillValid.status).toBe(200);
    expect(stillValid.token.valid).toBe(true);

    // Once the held token expires, readiness tells the truth.
    await app.waitForStatus('/health/ready', 503, TTL_SECONDS * 1000 + 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - CLOCK_SLACK_MS);
    const expired = await readiness(app);
    expect(expired.status).toBe(503);
    expect(expired.token).toMatchObject({ status: 'down', valid: false, expiresInSeconds: 0 });
    expect(expired.stream.state).toBe('open');
    const failedRequests = simulator.received.tokens.filter((t) => t.status === 503).length;
    expect(failedRequests).toBeGreaterThanOrEqual(2);

    // The endpoint recovers (reset() also brings the default one-hour lifetime back, and clears records).
    for (const token of bearersSeen(simulator)) tokensSeenBeforeReset.add(token);
    simulator.reset();
    await app.waitForReady(45_000);
    const recovered = await readiness(app);
    expect(recovered.token.valid).toBe(true);
    askFor(simulator, 'flt-tokdown-recovered', 'how do I track a delayed order');
    await acceptedPush(simulator, 'flt-tokdown-recovered');
  }, 90_000);
});

describe('faults (e2e): REST rate limits, errors and resets', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await startSimulator();
    app = await startApp(simulator);
  });

  const feedbackFor = (insightId: string) =>
    simulator.received.feedback.filter((request) => request.body?.insightId === insightId);

  const expectGapsOfAtLeast = (requests: RecordedRequest<unknown>[], ms: number, what: string) => {
    for (const gap of gaps(requests))
      expect(gap, `${what}: gap between attempts`).toBeGreaterThanOrEqual(ms - CLOCK_SLACK_MS);
  };

  it('rides a 429 storm (3 in a row) on knowledge and cards, each retry after Retry-After', async () => {
    const id = 'flt-429-storm';
    const text = 'I need to reset my voicemail PIN please';
    simulator.failNext('knowledge', { status: 429, retryAfter: '1', times: 3 });
    simulator.failNext('cards', { status: 429, retryAfter: '1', times: 3 });
    askFor(simulator, id, text);

    await acceptedPush(simulator, id, 30_000);
    const searches = searchesFor(simulator, text);
    const pushes = cardsFor(simulator, id);
    expect(searches.map((r) => r.status)).toEqual([429, 429, 429, 200]);
    expect(pushes.map((r) => r.status)).toEqual([429, 429, 429, 201]);
    expectGapsOfAtLeast(searches, 1000, 'knowledge');
    expectGapsOfAtLeast(pushes, 1000, 'cards');
    const ready = await readiness(app);
    expect(counter(ready, 'http_retries{operation="knowledge-search",cause="rate-limited"}')).toBeGreaterThanOrEqual(3);
    expect(counter(ready, 'http_retries{operation="cards-push",cause="rate-limited"}')).toBeGreaterThanOrEqual(3);
  });

  // A delivery round makes 3 attempts; the store's next round still waits for the last Retry-After.
  it('rides a 429 storm (3 in a row) on feedback, each retry after Retry-After', async () => {
    const insightId = 'kb-storm-verdict';
    simulator.failNext('feedback', { status: 429, retryAfter: '2', times: 3 });
    simulator.send(verdict('flt-429-feedback', insightId, true));

    await simulator.waitFor(
      () => feedbackFor(insightId).some((request) => request.status === 200),
      30_000,
      'the verdict after the storm',
    );
    const attempts = feedbackFor(insightId);
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 429, 200]);
    expectGapsOfAtLeast(attempts, 2000, 'feedback');
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const id = 'flt-429-date';
    const text = 'please help me set up international roaming';
    const notBefore = new Date(Date.now() + 2500);
    const header = notBefore.toUTCString(); // whole seconds: the retry may come at this instant, not before
    simulator.failNext('knowledge', { status: 429, retryAfter: header });
    askFor(simulator, id, text);

    await acceptedPush(simulator, id, 20_000);
    const [limited, retried] = searchesFor(simulator, text);
    expect([limited.status, retried.status]).toEqual([429, 200]);
    expect(retried.at).toBeGreaterThanOrEqual(Date.parse(header) - CLOCK_SLACK_MS);
  });

  it('retries 5xx answers and connection resets on knowledge, cards and feedback alike', async () => {
    const id = 'flt-5xx-resets';
    const text = 'my home broadband is really slow every evening';
    simulator.resetConnections('knowledge', 1);
    simulator.failNext('knowledge', { status: 502 });
    simulator.failNext('knowledge', { status: 503 });
    simulator.resetConnections('cards', 1);
    simulator.failNext('cards', { status: 500 });
    simulator.failNext('cards', { status: 503 });
    simulator.resetConnections('feedback', 2);
    simulator.failNext('feedback', { status: 500 });
    simulator.failNext('feedback', { status: 502 });
    simulator.failNext('feedback', { status: 504 });
    askFor(simulator, id, text);
    simulator.send(verdict(id, 'kb-5xx-verdict', false));

    await acceptedPush(simulator, id, 30_000);
    await simulator.waitFor(
      () => feedbackFor('kb-5xx-verdict').some((request) => request.status === 200),
      30_000,
      'the verdict after 5xx and resets',
    );
    // Resets are played before queued answers (see the simulator's request pipeline).
    expect(searchesFor(simulator, text).map((r) => r.status)).toEqual([0, 502, 503, 200]);
    expect(cardsFor(simulator, id).map((r) => r.status)).toEqual([0, 500, 503, 201]);
    const feedback = feedbackFor('kb-5xx-verdict');
    expect(feedback.map((r) => r.status)).toEqual([0, 0, 500, 502, 504, 200]);
    // Every attempt is the same delivery: one idempotency key, one body.
    expect(new Set(feedback.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(feedback.every((r) => r.body.action === 'REJECTED' && r.body.interactionId === id)).toBe(true);
    expect(cardsFor(simulator, id).filter((r) => r.status === 201)).toHaveLength(1);
    const ready = await readiness(app);
    expect(counter(ready, 'http_retries{operation="knowledge-search",cause="network"}')).toBeGreaterThanOrEqual(1);
    expect(counter(ready, 'http_retries{operation="cards-push",cause="server-error"}')).toBeGreaterThanOrEqual(2);
  });
});

describe('faults (e2e): answers slower than the timeout', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await startSimulator();
    app = await startApp(simulator, { HTTP_TIMEOUT_MS: '500' });
  });

  it('times out a search that takes 1.5 s, retries it and still pushes the cards', async () => {
    const id = 'flt-slow-search';
    const text = 'I need to reset my voicemail PIN';
    simulator.delayNext('knowledge', 1500); // the first search only; the retry is answered at once
    askFor(simulator, id, text);

    const push = await acceptedPush(simulator, id);
    expect(push.body.insights[0].id).toBe('kb-tel-001');
    // The abandoned attempt is recorded once its delay is over.
    const searches = await simulator.waitFor(
      () =>
        searchesFor(simulator, text).some((r) => r.status === CLIENT_CLOSED_REQUEST) && searchesFor(simulator, text),
      5000,
      'the timed-out search in the records',
    );
    // Records are appended when answered; the abandoned one only after its delay: order by arrival.
    searches.sort((a, b) => a.at - b.at);
    expect(searches.length).toBeGreaterThan(1);
    expect(searches[0].status).toBe(CLIENT_CLOSED_REQUEST);
    expect(searches.at(-1)!.status).toBe(200);
    // The retry went out only once the first attempt had timed out.
    expect(searches[1].at - searches[0].at).toBeGreaterThanOrEqual(500 - CLOCK_SLACK_MS);
    const ready = await readiness(app);
    expect(counter(ready, 'http_retries{operation="knowledge-search",cause="timeout"}')).toBeGreaterThanOrEqual(1);
  });
});

describe('faults (e2e): a flood of interactions that never end', () => {
  const CAP = 200;
  const FLOOD = 2000;
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await startSimulator();
    app = await startApp(simulator, { BUFFER_MAX_INTERACTIONS: String(CAP) });
  });

  it('keeps at most BUFFER_MAX_INTERACTIONS buffered, flushing what it evicts', async () => {
    const textOf = (i: number) => `flood caller ${i} cannot reset the voicemail PIN`;
    const baselineMb = await residentSetMb(app.pid);
    const rss = sampleResidentSet(app.pid);
    for (let i = 0; i < FLOOD; i++) simulator.send(fragment(`flood-${i}`, textOf(i)));

    let maxInteractions = 0;
    let ready = await readiness(app);
    const deadline = Date.now() + 60_000;
    while (ready.pipeline.evictedInteractions < FLOOD - CAP && Date.now() < deadline) {
      maxInteractions = Math.max(maxInteractions, ready.pipeline.interactions);
      await sleep(100);
      ready = await readiness(app);
    }
    maxInteractions = Math.max(maxInteractions, ready.pipeline.interactions);
    expect(ready.pipeline.evictedInteractions).toBeGreaterThanOrEqual(FLOOD - CAP);
    expect(maxInteractions).toBeLessThanOrEqual(CAP);

    // Evicted interactions were flushed, not dropped: each of the oldest FLOOD - CAP was searched, or shed
    // (and counted) because the searches queued ahead of it would have made its cards late.
    const evictedTexts = new Set(Array.from({ length: FLOOD - CAP }, (_, i) => textOf(i)));
    await simulator.waitFor(
      async () => {
        const searched = simulator.received.searches.filter((r) => r.status === 200 && evictedTexts.has(r.query.q));
        const shed = Object.entries((await readiness(app)).pipeline.counters)
          .filter(([name]) => name.startsWith('searches_shed'))
          .reduce((sum, [, count]) => sum + count, 0);
        return searched.length + shed >= FLOOD - CAP;
      },
      60_000,
      'a search, or a counted shed, for every evicted interaction',
    );
    const peakMb = await rss.stop();
    if (peakMb !== undefined) {
      console.log(`[measure] peak RSS during flood: ${peakMb.toFixed(1)} MB (before: ${baselineMb?.toFixed(1)} MB)`);
    } else console.log('[measure] peak RSS during flood: unavailable (no /proc)');

    const after = await readiness(app);
    expect(after.status).toBe(200);
    expect(after.pipeline.interactions).toBeLessThanOrEqual(CAP);
    expect(after.pipeline.utterances['interaction-ended']).toBeGreaterThanOrEqual(FLOOD - CAP);
  }, 150_000);
});

describe('faults (e2e): secrets', () => {
  it('never logged the client secret or any access token, whatever went wrong', () => {
    const tokens = new Set([
      ...tokensSeenBeforeReset,
      ...simulators.flatMap((simulator) => [...bearersSeen(simulator)]),
    ]);
    expect(tokens.size).toBeGreaterThanOrEqual(1);
    for (const app of apps) {
      const logs = app.logs;
      expect(logs).not.toContain(TEST_CLIENT_SECRET);
      expect(logs).not.toMatch(/access_token=/);
      for (const token of tokens) expect(logs.includes(token), 'an access token in the logs').toBe(false);
    }
  });
});
