import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_CLOSED_REQUEST, type CxoneSimulator, type RecordedRequest } from '../src/simulator/index.js';
import { type AppProcess, sleep } from './support/app-process.js';
import { cardsFor, verdict } from './support/events.js';
import { useFaultBench } from './support/fault-bench.js';
import {
  acceptedPush,
  askFor,
  bearerOf,
  CLOCK_SLACK_MS,
  counter,
  gaps,
  readiness,
  searchesFor,
} from './support/probes.js';

/**
 * REST faults, each injected at the simulator over real sockets: rate limits with Retry-After in seconds or
 * as a date, 5xx answers, connection resets, refusals, a stale token and answers slower than the timeout.
 */
const bench = useFaultBench();

describe('faults (e2e): REST rate limits, errors and resets', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await bench.simulator();
    app = await bench.app(simulator);
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

  it('gives up at once on 403 and names the scope it probably lacks', async () => {
    const id = 'flt-403';
    simulator.failNext('cards', { status: 403 });
    askFor(simulator, id, 'please help me set up international roaming');
    await simulator.waitFor(() => cardsFor(simulator, id).length === 1, 10_000, 'the refused push');
    await simulator.waitFor(() => app.logs.includes("'agentassist:write'"), 5000, 'the scope in the log');
    await sleep(1000);
    expect(cardsFor(simulator, id).map((r) => r.status)).toEqual([403]);
    const ready = await readiness(app);
    expect(counter(ready, 'http_failures{operation="cards-push",cause="forbidden"}')).toBe(1);
  });

  it('refreshes the token and retries once when a REST call gets 401', async () => {
    const id = 'flt-rest-401';
    const tokensBefore = simulator.received.tokens.filter((t) => t.status === 200).length;
    simulator.revokeTokens();
    askFor(simulator, id, 'I want to dispute a card transaction');
    const push = await acceptedPush(simulator, id);
    const searches = searchesFor(simulator, 'I want to dispute a card transaction');
    expect(searches.map((r) => r.status)).toEqual([401, 200]);
    expect(bearerOf(searches[1])).toBe(bearerOf(push));
    expect(simulator.received.tokens.filter((t) => t.status === 200).length).toBeGreaterThan(tokensBefore);
  });
});

describe('faults (e2e): answers slower than the timeout', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await bench.simulator();
    app = await bench.app(simulator, { HTTP_TIMEOUT_MS: '500' });
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
