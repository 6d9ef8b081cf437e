import { afterEach, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { waitFor } from '../src/simulator/timing.js';
import { AppProcess, sleep, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment } from './support/events.js';

/** Start-up, sandbox mode and graceful shutdown of the built service. */
describe('lifecycle (e2e)', () => {
  const running: Array<AppProcess | CxoneSimulator> = [];
  const track = <T extends AppProcess | CxoneSimulator>(thing: T): T => (running.push(thing), thing);

  afterEach(async () => {
    for (const thing of running.splice(0).reverse()) await thing.stop();
  });

  it('refuses bad configuration with one message naming every bad variable, and exit code 1', async () => {
    const app = track(
      await new AppProcess({
        PORT: '99999',
        BUFFER_SILENCE_MS: 'soon',
        BUFFER_MAX_MS: '1000', // valid itself: no second, contradicting line about BUFFER_SILENCE_MS
        HOST: 'not a host',
        CXONE_STREAM_URL: 'http://example.com/stream',
        CXONE_CLIENT_ID: 'id',
        CXONE_CLIENT_SECRET: 'do-not-print-me',
      }).start(),
    );
    expect(await app.exitCode()).toBe(1);
    expect(app.logs.match(/Invalid configuration/g)).toHaveLength(1);
    // One line per bad variable, saying what is expected; never the value.
    expect(app.logs.match(/^ {2}- .*$/gm)).toEqual([
      '  - PORT: expected a whole number from 0 to 65535',
      '  - HOST: expected an IP address or a host name, e.g. 127.0.0.1, 0.0.0.0, :: or localhost',
      '  - CXONE_STREAM_URL: expected an absolute ws or wss URL without credentials',
      '  - BUFFER_SILENCE_MS: expected a whole number of milliseconds from 50 to 600000',
    ]);
    expect(app.logs).not.toMatch(/soon|99999|not a host/);
    expect(app.logs).not.toContain('do-not-print-me');
    expect(app.logs).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses to start in production without credentials', async () => {
    const app = track(await new AppProcess({ NODE_ENV: 'production', PORT: '0' }).start());
    expect(await app.exitCode()).toBe(1);
    expect(app.logs).toContain('CXONE_CLIENT_ID');
    expect(app.logs).toContain('CXONE_CLIENT_SECRET');
  });

  it('runs the sandbox without credentials: built-in simulator, demo conversation, cards in the log', async () => {
    const app = track(
      await new AppProcess({ NODE_ENV: 'development', SANDBOX_DEMO: 'true', LOG_LEVEL: 'info' }).start(),
    );
    await app.waitForReady();
    expect(app.logs).toContain('SANDBOX MODE');
    await waitFor(() => app.logs.includes('Agent desktop received cards'), 30_000, 'cards on the agent desktop');
    expect(app.logs).toMatch(/Pushed \d+ card\(s\) for interaction demo-1-/);
  });

  it('runs the sandbox as a real tenant with SANDBOX_PROFILE=cxone: access-key sign-in and Expert cards', async () => {
    const app = track(
      await new AppProcess({
        NODE_ENV: 'development',
        SANDBOX_DEMO: 'true',
        SANDBOX_PROFILE: 'cxone',
        LOG_LEVEL: 'info',
      }).start(),
    );
    await app.waitForReady();
    expect(app.logs).toContain('(profile cxone)');
    expect(app.logs).toMatch(/Signed in with the password grant/);
    await waitFor(() => app.logs.includes('Agent desktop received cards'), 30_000, 'cards on the agent desktop');
    expect(app.logs).toMatch(/Pushed \d+ card\(s\) for interaction demo-1-/);
  });

  it('on SIGTERM goes unready, flushes buffered speech, finishes the push and exits 0', async () => {
    const simulator = track(new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET }));
    await simulator.start();
    const app = track(
      await new AppProcess(tenantEnv(simulator, { BUFFER_SILENCE_MS: '60000', BUFFER_MAX_MS: '60000' })).start(),
    );
    await app.waitForReady();
    simulator.setLatency('cards', 1500);
    simulator.send(fragment('call-sigterm', 'I was charged an overdraft fee can you refund it'));
    await sleep(300);

    const stopped = app.stop();
    await app.waitForStatus('/health/ready', 503, 5000);
    expect(await stopped).toBe(0);
    const [push] = cardsFor(simulator, 'call-sigterm');
    expect(push?.status).toBe(201);
    expect(push.body.insights[0].id).toBe('kb-bnk-005');
    expect(app.logs).toContain('draining');
  });
});
