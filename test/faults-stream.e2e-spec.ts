import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CxoneSimulator } from '../src/simulator/index.js';
import type { AppProcess } from './support/app-process.js';
import { cardsFor, fragment, turnEnd } from './support/events.js';
import { useFaultBench } from './support/fault-bench.js';
import { acceptedPush, askFor, bearerOf, bearersSeen, readiness, streamSettled } from './support/probes.js';

/**
 * The stream's faults, each injected at the simulator over real sockets: drops, server closes, refused
 * and stale-token handshakes, a dead peer, and CXone gone altogether. After each, cards flow again.
 */
const bench = useFaultBench();

describe('faults (e2e): the stream', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await bench.simulator();
    app = await bench.app(simulator, { STREAM_PING_INTERVAL_MS: '1000' });
  });

  // Each fault hits a connection that has been healthy for a while, as in production.
  beforeEach(() => streamSettled(simulator, app));

  it('reconnects at once after an abrupt drop (1006), keeping the text buffered before it', async () => {
    const id = 'flt-drop';
    const handshakes = simulator.acceptedHandshakes;
    const before = await readiness(app);
    simulator.send(fragment(id, 'my home broadband is'));
    await simulator.waitFor(async () => (await readiness(app)).pipeline.interactions >= 1, 5000, 'the fragment');
    const droppedAt = Date.now();
    simulator.dropConnections();

    await simulator.waitForConnections(handshakes + 1, 10_000);
    const accepted = simulator.received.handshakes.find((h) => h.status === 101 && h.at >= droppedAt)!;
    console.log(`[measure] reconnect after a drop: ${accepted.at - droppedAt} ms`);
    expect(accepted.at - droppedAt).toBeLessThan(2000);

    simulator.send(fragment(id, 'really slow every evening'));
    simulator.send(turnEnd(id));
    await acceptedPush(simulator, id);
    expect(simulator.received.searches.at(-1)!.query.q).toBe('my home broadband is really slow every evening');
    const after = await readiness(app);
    expect(after.stream).toMatchObject({ state: 'open', lastCloseCode: 1006 });
    expect(after.stream.reconnects).toBeGreaterThan(before.stream.reconnects);
  });

  it.each([
    [1001, 'going away'],
    [1011, 'internal error'],
  ])('reconnects when the server closes with %i and reports the close code', async (code, reason) => {
    const handshakes = simulator.acceptedHandshakes;
    simulator.dropConnections(code, reason);

    await simulator.waitForConnections(handshakes + 1, 10_000);
    await app.waitForReady(10_000);
    expect((await readiness(app)).stream).toMatchObject({ state: 'open', lastCloseCode: code });
    expect(app.logs).toContain(`Stream closed (code ${code})`);
    askFor(simulator, `flt-after-${code}`, 'how do I track a delayed order');
    await acceptedPush(simulator, `flt-after-${code}`);
  });

  it('answers a 401 handshake (revoked token) with a new token and an immediate retry', async () => {
    const handshakes = simulator.acceptedHandshakes;
    const tokensBefore = simulator.received.tokens.length;
    const refusedBefore = simulator.received.handshakes.filter((h) => h.status === 401).length;
    simulator.revokeTokens();
    simulator.dropConnections();

    await simulator.waitForConnections(handshakes + 1, 10_000);
    await app.waitForReady(10_000);
    const refused = simulator.received.handshakes.filter((h) => h.status === 401);
    // It came back with the token it held, was refused, and only then asked for a new one.
    expect(refused.length).toBe(refusedBefore + 1);
    const newTokens = simulator.received.tokens.slice(tokensBefore).filter((t) => t.status === 200);
    expect(newTokens.length).toBeGreaterThanOrEqual(1);
    expect(newTokens[0].at).toBeGreaterThanOrEqual(refused[refusedBefore].at);
    const accepted = simulator.received.handshakes.filter((h) => h.status === 101).at(-1)!;
    expect(accepted.at).toBeGreaterThanOrEqual(newTokens[0].at);
    console.log(`[measure] 401 handshake to open stream: ${accepted.at - refused[refusedBefore].at} ms`);

    askFor(simulator, 'flt-after-401-handshake', 'I want to dispute a card transaction');
    const push = await acceptedPush(simulator, 'flt-after-401-handshake');
    // The REST call already used the new token: no 401 on the way.
    expect(cardsFor(simulator, 'flt-after-401-handshake').map((request) => request.status)).toEqual([201]);
    expect(bearersSeen(simulator).size).toBeGreaterThanOrEqual(2);
    expect(bearerOf(push)).toBeDefined();
  });

  it('goes unready while handshakes are refused, and is ready again once one is accepted', async () => {
    const handshakes = simulator.acceptedHandshakes;
    simulator.rejectNextHandshakes(3, 503);
    simulator.dropConnections(1011, 'server error');

    await app.waitForStatus('/health/ready', 503, 10_000);
    const down = await readiness(app);
    expect(down.stream.status).toBe('down');
    await simulator.waitForConnections(handshakes + 1, 20_000);
    await app.waitForReady(10_000);
    expect(simulator.received.handshakes.filter((h) => h.status === 503).length).toBeGreaterThanOrEqual(3);
    askFor(simulator, 'flt-after-refusals');
    await acceptedPush(simulator, 'flt-after-refusals');
  });

  it('drops a socket whose peer stops answering pings, and reconnects', async () => {
    const handshakes = simulator.acceptedHandshakes;
    simulator.freezeConnections();

    await simulator.waitForConnections(handshakes + 1, 15_000);
    await app.waitForReady(10_000);
    expect(app.logs).toContain('stopped answering pings');
    askFor(simulator, 'flt-after-freeze');
    await acceptedPush(simulator, 'flt-after-freeze');
  });
});

describe('faults (e2e): CXone away altogether', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await bench.simulator();
    // Caps the reconnect backoff, so noticing the new simulator stays quick however many refused attempts
    // came first; the backoff cap itself is not what this suite tests.
    app = await bench.app(simulator, { STREAM_RECONNECT_MAX_MS: '2000' });
  });

  it('goes unready while refused, then reconnects to a new simulator on the same port and serves a turn', async () => {
    const port = Number(new URL(simulator.baseUrl).port);
    bench.rememberTokens(simulator);
    await simulator.stop();

    await app.waitForStatus('/health/ready', 503, 10_000);
    const down = await readiness(app);
    expect(down.stream.status).toBe('down');
    // It keeps trying while refused.
    await simulator.waitFor(
      async () => (await readiness(app)).stream.reconnects > down.stream.reconnects + 1,
      10_000,
      'more reconnect attempts while refused',
    );
    expect((await readiness(app)).status).toBe(503);

    const next = await bench.simulator({ port });
    await next.waitForConnections(1, 30_000);
    await app.waitForReady(10_000);
    // The new CXone never issued the token the service held: it had to get one from the new endpoint.
    expect(next.received.tokens.filter((t) => t.status === 200).length).toBeGreaterThanOrEqual(1);
    askFor(next, 'flt-after-refused');
    const push = await acceptedPush(next, 'flt-after-refused');
    expect(push.body.insights[0].id).toBe('kb-tel-001');
  });
});
