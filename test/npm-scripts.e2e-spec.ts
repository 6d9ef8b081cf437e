import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { waitFor } from '../src/simulator/timing.js';
import { freePort, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment } from './support/events.js';
import { NpmScript } from './support/npm-script.js';

/**
 * The README's commands under an orchestrator: SIGTERM to the npm process must reach the service (or the
 * simulator) and stop it cleanly, not leave it running orphaned and answering ready.
 */
describe('npm scripts (e2e): signals', () => {
  const started: Array<{ forceStop(): void } | CxoneSimulator> = [];

  afterEach(async () => {
    for (const thing of started.splice(0).reverse()) {
      if (thing instanceof CxoneSimulator) await thing.stop();
      else thing.forceStop();
    }
  });

  const answers = async (url: string) => {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return true;
    } catch {
      return false;
    }
  };

  it('SIGTERM to `npm start` drains the service: buffered speech is pushed, exit 0, nothing left running', async () => {
    const simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    started.push(simulator);
    await simulator.start();
    const port = await freePort();
    const env = tenantEnv(simulator, {
      PORT: String(port),
      NODE_ENV: 'test',
      IGNORE_ENV_FILE: 'true',
      LOG_LEVEL: 'info',
      BUFFER_SILENCE_MS: '60000',
      BUFFER_MAX_MS: '60000',
      FEEDBACK_STORE_PATH: mkdtempSync(join(tmpdir(), 'npm-start-e2e-')),
    });
    const npm = new NpmScript(['start'], env);
    started.push(npm);
    const ready = `http://127.0.0.1:${port}/health/ready`;
    await waitFor(async () => (await fetch(ready).catch(() => undefined))?.status === 200, 60_000, 'npm start ready');

    simulator.send(fragment('npm-start-sigterm', 'I was charged an overdraft fee can you refund it'));
    const buffered = async () => {
      const body = (await (await fetch(ready)).json()) as { details: { pipeline: { interactions: number } } };
      return body.details.pipeline.interactions === 1;
    };
    await waitFor(buffered, 5000, 'the fragment buffered');
    npm.kill('SIGTERM');

    expect(await npm.exitCode()).toBe(0);
    expect(cardsFor(simulator, 'npm-start-sigterm').map((r) => r.status)).toEqual([201]);
    expect(await answers(ready)).toBe(false); // no orphan still listening
    expect(npm.logs).toContain('SIGTERM received');
  }, 90_000);

  it('SIGTERM to `npm run sim` stops the simulator: exit 0, its port closed', async () => {
    const port = await freePort();
    const npm = new NpmScript(['run', 'sim'], { SIM_PORT: String(port), SIM_PLAY: 'false' });
    started.push(npm);
    await waitFor(() => npm.logs.includes('CXone simulator ready'), 60_000, 'npm run sim ready');
    expect(await answers(`http://127.0.0.1:${port}/oauth/token`)).toBe(true);

    npm.kill('SIGTERM');

    expect(await npm.exitCode()).toBe(0);
    expect(await answers(`http://127.0.0.1:${port}/oauth/token`)).toBe(false);
  }, 90_000);
});
