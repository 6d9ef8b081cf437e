import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, ended, fragment, turnEnd, verdict } from './support/events.js';

/** The assist loop end to end: built service, simulator, real sockets; assertions on what CXone received. */
describe('assist flow (e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    await simulator.start();
    app = await new AppProcess(tenantEnv(simulator, { BUFFER_SILENCE_MS: '600', BUFFER_MAX_MS: '2500' })).start();
    await app.waitForReady();
  });

  afterAll(async () => {
    const exitCode = await app?.stop();
    await simulator?.stop();
    expect(exitCode).toBe(0);
  });

  it('turns one customer turn into prioritized, cited, plain-text cards pushed with a bearer token', async () => {
    const id = 'call-flow-1';
    simulator.send(fragment(id, 'hi I forgot my voicemail'));
    simulator.send(fragment(id, 'PIN and cannot get into my voicemail box'));
    const sentAt = Date.now();
    simulator.send(turnEnd(id));

    const [push] = await simulator.waitFor(
      () => cardsFor(simulator, id).length > 0 && cardsFor(simulator, id),
      10_000,
      'cards',
    );
    const latencyMs = push.at - sentAt;
    console.log(`[measure] TURN_END → card pushed: ${latencyMs} ms`);
    expect(push.body).toMatchObject({ interactionId: id, displayType: 'CARD', autoDismiss: true });
    const cards = push.body.insights;
    expect(cards[0]).toMatchObject({
      id: 'kb-tel-001',
      title: 'Reset a voicemail PIN',
      priority: 1,
      interactionId: id,
    });
    expect(cards.map((card: { priority: number }) => card.priority)).toEqual(
      cards.map((_: unknown, i: number) => i + 1),
    );
    for (const card of cards) {
      expect(card.citation).toMatch(/^https?:\/\//);
      expect(card.snippet.length).toBeLessThanOrEqual(150);
      expect(card.snippet).not.toMatch(/<[a-z/]/i);
      expect(typeof card.score).toBe('number');
    }
    expect(push.headers.authorization).toMatch(/^Bearer \S+/);
    const search = simulator.received.searches.at(-1)!;
    expect(search.query).toMatchObject({ language: 'en-US', page: '1', pageSize: '5' });
    expect(search.query.q).toBe('hi I forgot my voicemail PIN and cannot get into my voicemail box');
  });

  it('answers every turn of a sequence of calls (latency is printed, not asserted)', async () => {
    const latencies: number[] = [];
    for (let turn = 0; turn < 10; turn++) {
      const id = `call-latency-${turn}`;
      simulator.send(fragment(id, 'I need to reset my voicemail PIN'));
      const sentAt = Date.now();
      simulator.send(turnEnd(id));
      const [push] = await simulator.waitFor(
        () => cardsFor(simulator, id).length && cardsFor(simulator, id),
        10_000,
        `turn ${turn}`,
      );
      latencies.push(push.at - sentAt);
    }
    latencies.sort((a, b) => a - b);
    console.log(`[measure] TURN_END → card over 10 warm turns: p50 ${latencies[4]} ms, max ${latencies[9]} ms`);
    expect(latencies).toHaveLength(10);
  });

  it('keeps two interleaved calls apart', async () => {
    const [a, b] = ['call-mix-a', 'call-mix-b'];
    simulator.send(fragment(a, 'my flight was'));
    simulator.send(fragment(b, 'I want to dispute a'));
    simulator.send(fragment(a, 'cancelled and I need to change my flight booking'));
    simulator.send(fragment(b, 'card transaction I do not recognise'));
    simulator.send(turnEnd(a));
    simulator.send(turnEnd(b));

    await simulator.waitFor(
      () => cardsFor(simulator, a).length && cardsFor(simulator, b).length,
      10_000,
      'cards for both calls',
    );
    const queries = simulator.received.searches.map((search) => search.query.q);
    expect(queries).toContain('my flight was cancelled and I need to change my flight booking');
    expect(queries).toContain('I want to dispute a card transaction I do not recognise');
    expect(cardsFor(simulator, a)[0].body.insights[0].id).toMatch(/^kb-trv-/);
    expect(cardsFor(simulator, b)[0].body.insights[0].id).toBe('kb-bnk-001');
  });

  it('never lets one slow search hold up another call', async () => {
    const [slow, fast] = ['call-slow-kb', 'call-fast-kb'];
    simulator.setLatency('knowledge', 3000);
    simulator.send(fragment(slow, 'how do I add checked baggage to my booking'));
    simulator.send(turnEnd(slow));
    await new Promise((resolve) => setTimeout(resolve, 200));
    simulator.setLatency('knowledge', 0);
    simulator.send(fragment(fast, 'I need to check my gift card balance'));
    simulator.send(turnEnd(fast));
    await simulator.waitFor(() => cardsFor(simulator, fast).length, 10_000, 'the fast call');
    expect(cardsFor(simulator, slow)).toHaveLength(0);
    await simulator.waitFor(() => cardsFor(simulator, slow).length, 10_000, 'the slow call, later');
  });

  it('never pushes cards of an older utterance after a newer one of the same call', async () => {
    const id = 'call-superseded';
    simulator.setLatency('knowledge', 2000);
    simulator.send(fragment(id, 'I want to cancel my order before it ships'));
    simulator.send(turnEnd(id));
    await new Promise((resolve) => setTimeout(resolve, 200));
    simulator.setLatency('knowledge', 0);
    simulator.send(fragment(id, 'actually just change the delivery address on the order'));
    simulator.send(turnEnd(id));
    await simulator.waitFor(() => cardsFor(simulator, id).length, 10_000, 'cards of the newer utterance');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const pushes = cardsFor(simulator, id);
    expect(pushes).toHaveLength(1);
    expect(pushes[0].body.insights[0].id).toBe('kb-ret-007');
  });

  it('flushes after the configured silence without any dialog state', async () => {
    const id = 'call-silence';
    const lastAt = Date.now();
    simulator.send(fragment(id, 'my package is late where is my order tracking'));
    const [push] = await simulator.waitFor(
      () => cardsFor(simulator, id).length && cardsFor(simulator, id),
      10_000,
      'silence flush',
    );
    expect(push.at - lastAt).toBeGreaterThanOrEqual(550);
    expect(push.body.insights[0].id).toBe('kb-ret-001');
  });

  it('flushes continuous speech at the max duration from its first fragment', async () => {
    const id = 'call-max';
    const startedAt = Date.now();
    const words = 'I would like to return an item for a refund because it does not fit at all'.split(' ');
    let index = 0;
    const talker = setInterval(() => simulator.send(fragment(id, words[index++ % words.length])), 150);
    try {
      const [push] = await simulator.waitFor(
        () => cardsFor(simulator, id).length && cardsFor(simulator, id),
        10_000,
        'max flush',
      );
      expect(push.at - startedAt).toBeGreaterThanOrEqual(2400);
      expect(push.at - startedAt).toBeLessThan(2500 + 1500);
    } finally {
      clearInterval(talker);
    }
  });

  it('does not push an article twice in one interaction', async () => {
    const id = 'call-dedupe';
    simulator.send(fragment(id, 'reset my voicemail PIN please'));
    simulator.send(turnEnd(id));
    await simulator.waitFor(() => cardsFor(simulator, id).length === 1, 10_000, 'first push');
    const searchesBefore = simulator.received.searches.length;
    simulator.send(fragment(id, 'the voicemail PIN reset again please'));
    simulator.send(turnEnd(id, 'CUSTOMER_SILENT'));
    await simulator.waitFor(() => simulator.received.searches.length > searchesBefore, 10_000, 'second search');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = cardsFor(simulator, id).flatMap((push) => push.body.insights.map((card: { id: string }) => card.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("does not search the agent's own words (KB_QUERY_SPEAKERS=CUSTOMER by default)", async () => {
    const id = 'call-agent-talk';
    const searchesBefore = simulator.received.searches.length;
    simulator.send(fragment(id, 'thank you for calling how can I help you today', 'AGENT'));
    simulator.send(turnEnd(id));
    simulator.send(fragment(id, 'I need to report a stolen phone'));
    simulator.send(turnEnd(id));
    await simulator.waitFor(() => cardsFor(simulator, id).length, 10_000, 'cards for the customer turn');
    const queries = simulator.received.searches.slice(searchesBefore).map((search) => search.query.q);
    expect(queries).toEqual(['I need to report a stolen phone']);
  });

  it('flushes what is buffered when the interaction ends', async () => {
    const id = 'call-ended';
    simulator.send(fragment(id, 'how do I set up wifi calling on my phone'));
    simulator.send(ended(id));
    const [push] = await simulator.waitFor(
      () => cardsFor(simulator, id).length && cardsFor(simulator, id),
      10_000,
      'final flush',
    );
    expect(push.body.insights[0].id).toBe('kb-tel-011');
  });

  it('delivers accept and reject verdicts to the training endpoint', async () => {
    simulator.send(verdict('call-flow-1', 'kb-tel-001', true));
    simulator.send(verdict('call-flow-1', 'kb-tel-003', false));
    const delivered = await simulator.waitFor(
      () => simulator.received.feedback.length >= 2 && simulator.received.feedback,
      10_000,
      'feedback',
    );
    const bodies = delivered.map((request) => request.body);
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ interactionId: 'call-flow-1', insightId: 'kb-tel-001', action: 'ACCEPTED' }),
        expect.objectContaining({ interactionId: 'call-flow-1', insightId: 'kb-tel-003', action: 'REJECTED' }),
      ]),
    );
    for (const body of bodies) expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    expect(delivered[0].headers['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('skips bad frames, counts them, and keeps serving every interaction', async () => {
    const id = 'call-after-garbage';
    simulator.send('{not json');
    simulator.send(JSON.stringify({ type: 'NO_SUCH_EVENT', interactionId: id }));
    simulator.send(JSON.stringify({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 42, text: 'x' }));
    simulator.send(JSON.stringify([1, 2, 3]));
    simulator.send(JSON.stringify(fragment(id, 'x'.repeat(200_000))));
    simulator.send(fragment(id, 'I lost my debit card please freeze it'));
    simulator.send(turnEnd(id));
    await simulator.waitFor(() => cardsFor(simulator, id).length, 10_000, 'cards after garbage');
    expect(cardsFor(simulator, id)[0].body.insights[0].id).toBe('kb-bnk-002');
    expect(app.logs).toMatch(/Skipped a stream frame: invalid-json/);
    expect(app.logs).not.toContain('{not json');
    expect(simulator.acceptedHandshakes).toBe(1);
  });

  it('reports stream and token health without the token', async () => {
    const { status, body } = await app.getJson('/health/ready');
    expect(status).toBe(200);
    expect(body.details.stream).toMatchObject({ status: 'up', state: 'open', reconnects: 0 });
    expect(body.details.token).toMatchObject({ status: 'up', valid: true });
    expect(body.details.token.expiresInSeconds).toBeGreaterThan(3000);
    expect((await app.getJson('/health/live')).status).toBe(200);
    const issued = simulator.received.tokens.length;
    expect(issued).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain(TEST_CLIENT_SECRET);
  });
});
