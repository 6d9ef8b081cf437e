import { beforeAll, describe, expect, it } from 'vitest';
import type { CxoneSimulator } from '../src/simulator/index.js';
import { type AppProcess, sleep } from './support/app-process.js';
import { cardsFor } from './support/events.js';
import { useFaultBench } from './support/fault-bench.js';
import { acceptedPush, askFor, bearerOf, CLOCK_SLACK_MS, gaps, readiness, searchesFor } from './support/probes.js';

/** Token faults: lifetimes of seconds, and the token endpoint down until the held token expires. */
const bench = useFaultBench();

describe('faults (e2e): short-lived tokens', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await bench.simulator();
    app = await bench.app(simulator);
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
    simulator = await bench.simulator({ tokenTtlSeconds: TTL_SECONDS });
    // As a tenant that authenticates the socket: it closes when the token it was opened with expires.
    simulator.closeStreamsAtTokenExpiry();
    app = await bench.app(simulator);
  });

  it('works on with the held token, goes unready when it expires, and recovers at once with the endpoint', async () => {
    const issuedAt = simulator.received.tokens.find((t) => t.status === 200)!.at;
    // The service learns of the expiry after the simulator fixed it: its own expiry is no earlier.
    const expiresAt = issuedAt + TTL_SECONDS * 1000;
    simulator.failNext('token', { status: 503, times: 100_000 });

    // The service refreshes ahead of expiry (at 4/5 of the lifetime) and meets the outage...
    await simulator.waitFor(
      () => simulator.received.tokens.some((t) => t.status === 503),
      TTL_SECONDS * 1000 + 5000,
      'a refresh attempt during the outage',
    );
    // ...while the token it holds is still valid: it keeps working and stays ready.
    askFor(simulator, 'flt-tokdown-valid');
    const push = await acceptedPush(simulator, 'flt-tokdown-valid', 5000);
    expect(push.at).toBeLessThan(expiresAt);
    expect((await readiness(app)).token.valid).toBe(true);

    // Once the held token expires (and the socket with it), readiness tells the truth.
    await app.waitForStatus('/health/ready', 503, TTL_SECONDS * 1000 + 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - CLOCK_SLACK_MS);
    // The socket closes at the simulator's expiry, a few ms before the service's own: wait for both.
    const expired = await simulator.waitFor(
      async () => {
        const ready = await readiness(app);
        return !ready.token.valid && ready;
      },
      5000,
      'the held token expired',
    );
    expect(expired.token).toMatchObject({ status: 'down', valid: false, expiresInSeconds: 0 });
    await app.waitForStatus('/health/ready', 503, 5000);
    await simulator.waitFor(async () => (await readiness(app)).stream.state !== 'open', 5000, 'the stream closed');
    // An outage of several seconds more: the service keeps asking at least every second (never the 8 s
    // gaps of a backoff made for a token still held), and says so as an error naming the host.
    const expiredAt = Date.now();
    await sleep(8000);
    const attempts = simulator.received.tokens.filter((t) => t.status === 503 && t.at >= expiredAt);
    expect(attempts.length).toBeGreaterThanOrEqual(6);
    const widestGap = Math.max(...gaps(attempts));
    console.log(`[measure] token requests while none is held: ${attempts.length} in 8 s, widest gap ${widestGap} ms`);
    expect(widestGap).toBeLessThan(2000);
    expect(app.logs).toMatch(/"level":"error".*token endpoint 127\.0\.0\.1:\d+ unavailable \(HTTP 503\)/);

    // The endpoint recovers (reset() also brings the default one-hour lifetime back, and clears records).
    bench.rememberTokens(simulator);
    simulator.reset();
    const recoveredAt = Date.now();
    const tokenAt = await simulator.waitFor(
      async () => (await readiness(app)).token.valid && Date.now(),
      15_000,
      'a valid token again',
    );
    const readyAt = await simulator.waitFor(
      async () => (await readiness(app)).status === 200 && Date.now(),
      15_000,
      'ready again',
    );
    console.log(
      `[measure] token endpoint back: token held after ${tokenAt - recoveredAt} ms, ready after ${readyAt - recoveredAt} ms`,
    );
    // The service asks at least every second while it holds no token: far below these bounds.
    expect(tokenAt - recoveredAt).toBeLessThan(3000);
    expect(readyAt - tokenAt).toBeLessThan(3000);
    askFor(simulator, 'flt-tokdown-recovered', 'how do I track a delayed order');
    await acceptedPush(simulator, 'flt-tokdown-recovered');
  }, 90_000);
});
