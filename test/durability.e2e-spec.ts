import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, sleep, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment, turnEnd, verdict } from './support/events.js';

/** Durable feedback and late cards, against the built service. */
describe('durability (e2e)', () => {
  const running: Array<AppProcess | CxoneSimulator> = [];
  const track = <T extends AppProcess | CxoneSimulator>(thing: T): T => (running.push(thing), thing);

  afterEach(async () => {
    for (const thing of running.splice(0).reverse()) await thing.stop();
  });

  async function startSimulator(): Promise<CxoneSimulator> {
    const simulator = track(new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET }));
    await simulator.start();
    return simulator;
  }

  it('loses no verdict to a kill -9 while the training endpoint is down: all are delivered after a restart', async () => {
    const simulator = await startSimulator();
    const storePath = mkdtempSync(join(tmpdir(), 'durability-e2e-'));
    const env = tenantEnv(simulator, { FEEDBACK_STORE_PATH: storePath });
    const first = track(await new AppProcess(env).start());
    await first.waitForReady();
    simulator.failNext('feedback', { status: 503, times: 100_000 });
    const insightIds = Array.from({ length: 25 }, (_, i) => `kb-kill-${i}`);
    for (const id of insightIds) simulator.send(verdict('call-kill', id, id.endsWith('3')));
    await simulator.waitFor(
      async () => (await first.getJson('/health/ready')).body.details.pipeline.feedback.pending === 25,
      10_000,
      'all verdicts stored',
    );
    first.kill('SIGKILL');
    expect(await first.exitCode()).toBe(null);

    simulator.reset();
    const second = track(await new AppProcess(env).start());
    await second.waitForReady();
    const delivered = await simulator.waitFor(
      () => {
        const ok = simulator.received.feedback.filter((request) => request.status === 200);
        return ok.length >= 25 && ok;
      },
      20_000,
      'redelivery after the restart',
    );
    const ids = delivered.map((request) => request.body.insightId).sort();
    console.log(`[measure] verdicts delivered after kill -9: ${new Set(ids).size} of ${insightIds.length}`);
    expect(new Set(ids)).toEqual(new Set(insightIds));
    const { body } = await second.getJson('/health/ready');
    expect(body.details.pipeline.feedback).toMatchObject({ pending: 0, deadLetters: 0 });
  });

  it('stores a verdict that arrives twice once, and dead-letters a permanent refusal', async () => {
    const simulator = await startSimulator();
    const app = track(await new AppProcess(tenantEnv(simulator)).start());
    await app.waitForReady();
    simulator.send(verdict('call-twice', 'kb-1', true));
    simulator.send(verdict('call-twice', 'kb-1', true));
    await simulator.waitFor(() => simulator.received.feedback.length >= 1, 10_000, 'first delivery');
    simulator.failNext('feedback', { status: 422 });
    simulator.send(verdict('call-twice', 'kb-2', false));
    await simulator.waitFor(
      async () => (await app.getJson('/health/ready')).body.details.pipeline.feedback.deadLetters === 1,
      10_000,
      'dead letter',
    );
    await sleep(500);
    expect(simulator.received.feedback.filter((request) => request.body.insightId === 'kb-1')).toHaveLength(1);
    expect(simulator.received.feedback.filter((request) => request.body.insightId === 'kb-2')).toHaveLength(1);
  });

  it('on SIGTERM keeps undelivered verdicts in the store and exits 0', async () => {
    const simulator = await startSimulator();
    const storePath = mkdtempSync(join(tmpdir(), 'durability-e2e-'));
    const env = tenantEnv(simulator, { FEEDBACK_STORE_PATH: storePath, SHUTDOWN_DRAIN_MS: '1000' });
    const app = track(await new AppProcess(env).start());
    await app.waitForReady();
    simulator.failNext('feedback', { status: 503, times: 100_000 });
    for (let i = 0; i < 5; i++) simulator.send(verdict('call-term', `kb-term-${i}`, true));
    await simulator.waitFor(() => simulator.received.feedback.length >= 5, 10_000, 'first attempts');
    expect(await app.stop()).toBe(0);

    simulator.reset();
    const again = track(await new AppProcess(env).start());
    await again.waitForReady();
    await simulator.waitFor(
      () => simulator.received.feedback.filter((r) => r.status === 200).length >= 5,
      20_000,
      'delivery after restart',
    );
  });

  it('drops cards that would arrive after the deadline, and counts them', async () => {
    const simulator = await startSimulator();
    const app = track(
      await new AppProcess(tenantEnv(simulator, { CARD_DEADLINE_MS: '1000', HTTP_TIMEOUT_MS: '5000' })).start(),
    );
    await app.waitForReady();
    simulator.setLatency('knowledge', 2000);
    simulator.send(fragment('call-late', 'I need to reset my voicemail PIN'));
    simulator.send(turnEnd('call-late'));
    await simulator.waitFor(
      async () => {
        const { body } = await app.getJson('/health/ready');
        return body.details.pipeline.counters['cards_dropped_late{step="searching"}'] === 1;
      },
      10_000,
      'the late drop counted',
    );
    simulator.setLatency('knowledge', 0);
    await sleep(2500);
    expect(cardsFor(simulator, 'call-late')).toHaveLength(0);
  });
});
