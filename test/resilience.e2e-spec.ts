import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, sleep, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment, turnEnd, verdict } from './support/events.js';

/** Faults injected at the simulator; the built service must ride through each one. */
describe('resilience (e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  const askFor = (id: string, text = 'I need to reset my voicemail PIN') => {
    simulator.send(fragment(id, text));
    simulator.send(turnEnd(id));
  };
  const firstPush = (id: string, what: string) => simulator.waitFor(() => cardsFor(simulator, id)[0], 20_000, what);

  beforeAll(async () => {
    simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    await simulator.start();
    app = await new AppProcess(
      tenantEnv(simulator, { STREAM_PING_INTERVAL_MS: '1000', BUFFER_SILENCE_MS: '3000', BUFFER_MAX_MS: '6000' }),
    ).start();
    await app.waitForReady();
  });

  afterAll(async () => {
    await app?.stop();
    await simulator?.stop();
  });

  it('waits out a 429 for the Retry-After the knowledge API asked for', async () => {
    const id = 'res-429';
    simulator.failNext('knowledge', { status: 429, retryAfter: '1' });
    askFor(id);
    await firstPush(id, 'cards after 429');
    const searches = simulator.received.searches.filter((s) => s.query.q?.includes('voicemail PIN')).slice(-2);
    expect(searches.map((s) => s.status)).toEqual([429, 200]);
    expect(searches[1].at - searches[0].at).toBeGreaterThanOrEqual(950);
  });

  it('retries 5xx answers and connection resets on the cards push', async () => {
    const id = 'res-5xx';
    const before = simulator.received.cards.length;
    simulator.failNext('cards', { status: 503, times: 2 });
    simulator.resetConnections('cards', 1);
    askFor(id, 'how do I track a delayed order');
    await simulator.waitFor(
      () => cardsFor(simulator, id).some((request) => request.status === 201),
      20_000,
      'cards after 5xx',
    );
    const statuses = simulator.received.cards.slice(before).map((request) => request.status);
    expect(statuses[0]).toBe(0); // the reset connection
    expect(statuses.filter((status) => status === 503)).toHaveLength(2);
    expect(statuses.at(-1)).toBe(201);
    expect(cardsFor(simulator, id).filter((request) => request.status === 201)).toHaveLength(1);
  });

  it('gives up at once on 403 and names the scope it probably lacks', async () => {
    const id = 'res-403';
    simulator.failNext('cards', { status: 403 });
    askFor(id, 'please help me set up international roaming');
    await simulator.waitFor(() => cardsFor(simulator, id).length === 1, 10_000, 'the refused push');
    await simulator.waitFor(() => app.logs.includes("'agentassist:write'"), 5000, 'the scope in the log');
    await sleep(1000);
    expect(cardsFor(simulator, id)).toHaveLength(1);
  });

  it('retries feedback until the training endpoint takes it', async () => {
    simulator.failNext('feedback', { status: 500, times: 3 });
    simulator.send(verdict('res-429', 'kb-tel-001', true));
    await simulator.waitFor(
      () =>
        simulator.received.feedback.some(
          (request) => request.status === 200 && request.body.insightId === 'kb-tel-001',
        ),
      20_000,
      'feedback after 500s',
    );
    expect(simulator.received.feedback.filter((request) => request.status === 500)).toHaveLength(3);
  });

  it('refreshes the token and retries once when a REST call gets 401', async () => {
    const id = 'res-rest-401';
    const tokensBefore = simulator.received.tokens.length;
    simulator.revokeTokens();
    askFor(id, 'I want to dispute a card transaction');
    const push = await firstPush(id, 'cards after 401');
    expect(push.status).toBe(201);
    expect(simulator.received.tokens.length).toBe(tokensBefore + 1);
  });

  it('reconnects after an abrupt drop (1006) without losing buffered text', async () => {
    const id = 'res-drop';
    const handshakes = simulator.acceptedHandshakes;
    simulator.send(fragment(id, 'my home broadband is'));
    await sleep(100);
    simulator.dropConnections();
    await simulator.waitForConnections(handshakes + 1, 10_000);
    simulator.send(fragment(id, 'really slow every evening'));
    simulator.send(turnEnd(id));
    await firstPush(id, 'cards after reconnect');
    const query = simulator.received.searches.at(-1)!.query.q;
    expect(query).toBe('my home broadband is really slow every evening');
    const { body } = await app.getJson('/health/ready');
    expect(body.details.stream.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('goes unready while the stream is refused, refreshes the token on a 401 handshake, and recovers', async () => {
    const tokensBefore = simulator.received.tokens.length;
    const handshakes = simulator.acceptedHandshakes;
    simulator.rejectNextHandshakes(3, 401);
    simulator.dropConnections(1011, 'server error');
    await app.waitForStatus('/health/ready', 503, 10_000);
    const { body } = await app.getJson('/health/ready');
    expect(body.details?.stream ?? body.error?.stream).toMatchObject({ status: 'down' });
    await simulator.waitForConnections(handshakes + 1, 20_000);
    await app.waitForReady(10_000);
    expect(simulator.received.handshakes.filter((h) => h.status === 401).length).toBeGreaterThanOrEqual(3);
    expect(simulator.received.tokens.length).toBeGreaterThan(tokensBefore);
  });

  it('drops a socket whose peer stops answering pings, and reconnects', async () => {
    const handshakes = simulator.acceptedHandshakes;
    simulator.freezeConnections();
    await simulator.waitForConnections(handshakes + 1, 15_000);
    await app.waitForReady(10_000);
    expect(app.logs).toContain('stopped answering pings');
  });

  it('never writes the client secret or an access token to its logs', () => {
    expect(app.logs).not.toContain(TEST_CLIENT_SECRET);
    for (const request of simulator.received.cards) {
      const token = String(request.headers.authorization).replace(/^Bearer /, '');
      expect(app.logs).not.toContain(token);
    }
  });
});
