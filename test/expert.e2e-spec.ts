import { beforeAll, describe, expect, it } from 'vitest';
import type { CxoneSimulator } from '../src/simulator/index.js';
import { type AppProcess, sleep } from './support/app-process.js';
import { cardsFor } from './support/events.js';
import { useFaultBench } from './support/fault-bench.js';
import { acceptedPush, askFor, counter, readiness } from './support/probes.js';

/** The simulator's default Expert server token (SimulatorOptions.expert). */
const EXPERT_KEY = 'sim-expert-key';
const EXPERT_SECRET = 'sim-expert-secret';
const EXPERT_USER = '=assist-service';
const WRONG_SECRET = 'wrong-expert-secret-K7p2';

const expertEnv = (simulator: CxoneSimulator, secret = EXPERT_SECRET) => ({
  KB_PROVIDER: 'expert',
  EXPERT_SITE_URL: simulator.baseUrl,
  EXPERT_KEY,
  EXPERT_SECRET: secret,
  EXPERT_USER,
});

/** Expert's page URL for an article title, as the simulated site builds it. */
const pageUrl = (simulator: CxoneSimulator, title: string) =>
  `${simulator.baseUrl}/Knowledge/${encodeURIComponent(title.replace(/ /g, '_'))}`;

/**
 * KB_PROVIDER=expert end to end: the built service searches the simulator's CXone Expert site
 * (`/@api/deki/site/query`, X-Deki-Token checked) and pushes its pages as cards.
 */
const bench = useFaultBench();

describe('CXone Expert knowledge (e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await bench.simulator();
    app = await bench.app(simulator, expertEnv(simulator));
  });

  it('turns a turn into cards of Expert pages: expert- ids, the pages as citations, a signed query', async () => {
    const id = 'expert-flow-1';
    askFor(simulator, id, 'I forgot my voicemail PIN and need to reset it');
    const push = await acceptedPush(simulator, id);

    const cards = push.body.insights as { id: string; title: string; citation: string; snippet: string }[];
    expect(cards.length).toBeGreaterThanOrEqual(1);
    expect(cards[0]).toMatchObject({
      id: `expert-${simulator.expertPageId('kb-tel-001')}`,
      title: 'Reset a voicemail PIN',
      citation: pageUrl(simulator, 'Reset a voicemail PIN'),
    });
    for (const card of cards) {
      expect(card.id).toMatch(/^expert-\d+$/);
      expect(card.citation).toBe(pageUrl(simulator, card.title));
      expect(card.snippet).not.toMatch(/<[a-z/]/i);
    }
    const query = simulator.received.expertQueries.at(-1)!;
    expect(query.status).toBe(200);
    expect(query.query).toMatchObject({
      q: 'i forgot my voicemail pin and need to reset it',
      limit: '5',
      'dream.out.format': 'json',
    });
    expect(String(query.headers['x-deki-token'])).toMatch(/^tkn_sim-expert-key_\d+_=assist-service_/);
    // Nothing goes to the tutorial's knowledge search.
    expect(simulator.received.searches).toHaveLength(0);
  });

  it('answers the same question again from its cache: one HelpRequest for two turns', async () => {
    const before = simulator.helpRequests;
    askFor(simulator, 'expert-cache-1', 'How do I set up international roaming?');
    await acceptedPush(simulator, 'expert-cache-1');
    askFor(simulator, 'expert-cache-2', '  how do I set up   International Roaming? ');
    const second = await acceptedPush(simulator, 'expert-cache-2');

    expect(second.body.insights[0].title).toBe('Set up international roaming');
    expect(simulator.helpRequests - before).toBe(1);
    const ready = await readiness(app);
    expect(counter(ready, 'knowledge_cache{result="hit"}')).toBeGreaterThanOrEqual(1);
  });

  it('rejects an HTML reply without crashing, counts it, and the next turn works', async () => {
    const text = 'my home broadband is really slow every evening';
    const failuresBefore = counter(await readiness(app), 'assist_failures');
    simulator.failNext('expert-query', {
      status: 200,
      rawBody: '<!DOCTYPE html><html><body><form action="/@app/login">Sign in</form></body></html>',
      contentType: 'text/html; charset=utf-8',
    });
    askFor(simulator, 'expert-html', text);
    await simulator.waitFor(
      () => app.logs.includes('the reply is HTML or XML, not JSON'),
      10_000,
      'the rejected reply in the log',
    );
    const ready = await readiness(app);
    expect(ready.status).toBe(200);
    expect(counter(ready, 'expert_requests{outcome="invalid-reply"}')).toBe(1);
    expect(counter(ready, 'assist_failures')).toBe(failuresBefore + 1);
    expect(cardsFor(simulator, 'expert-html')).toHaveLength(0);

    // Failures are not cached: the same question asks Expert again, and gets its cards.
    askFor(simulator, 'expert-after-html', text);
    await acceptedPush(simulator, 'expert-after-html');
  });

  it('with a wrong EXPERT_SECRET, logs once what is probably wrong, without the secret or the token', async () => {
    const refusing = await bench.simulator();
    const wrong = await bench.app(refusing, expertEnv(refusing, WRONG_SECRET));
    askFor(refusing, 'expert-403-1', 'I need to reset my voicemail PIN');
    askFor(refusing, 'expert-403-2', 'please help me set up international roaming');
    await refusing.waitFor(
      () => refusing.received.expertQueries.filter((q) => q.status === 403).length === 2,
      10_000,
      'two refused Expert queries',
    );
    await refusing.waitFor(() => wrong.logs.includes('EXPERT_SECRET'), 5000, 'the hint in the log');
    await sleep(500);

    const hints = wrong.logs.split('\n').filter((line) => line.includes('No Expert search can succeed'));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/HTTP 403/);
    expect(hints[0]).toMatch(/EXPERT_KEY and EXPERT_SECRET.*EXPERT_USER.*clock/);
    expect(wrong.logs).not.toContain(WRONG_SECRET);
    expect(wrong.logs).not.toMatch(/tkn_/);
    expect(refusing.helpRequests).toBe(0);
    const ready = await readiness(wrong);
    expect(counter(ready, 'expert_requests{outcome="forbidden"}')).toBe(2);
    expect(cardsFor(refusing, 'expert-403-1')).toHaveLength(0);
  });
});
