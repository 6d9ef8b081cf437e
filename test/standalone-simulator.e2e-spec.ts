import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AppProcess, freePort, sleep } from './support/app-process.js';
import { SimulatorProcess } from './support/simulator-process.js';

/**
 * `node dist/simulator/main.js` on its own, as `npm run sim` and docker compose run it: it plays the scripted
 * conversations to whoever connects, so a service pointed at it pushes cards with no test sending anything.
 */
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const SIM_ID = '[0-9a-f]{4}';

/** The `CXONE_*=value` lines the simulator prints for the service. */
function printedServiceEnv(simulator: SimulatorProcess): Record<string, string> {
  return Object.fromEntries([...simulator.logs.matchAll(/^ {2}(CXONE_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

/** A bare stream client, as the service would connect: token first, then the socket. */
async function connectStream(env: Record<string, string>): Promise<WebSocket> {
  const reply = await fetch(env.CXONE_TOKEN_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.CXONE_CLIENT_ID,
      client_secret: env.CXONE_CLIENT_SECRET,
    }),
  });
  const { access_token: token } = (await reply.json()) as { access_token: string };
  const socket = new WebSocket(`${env.CXONE_STREAM_URL}?access_token=${encodeURIComponent(token)}`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return socket;
}

describe('standalone simulator (e2e)', () => {
  const running: Array<{ stop(): Promise<unknown> }> = [];
  const sockets: WebSocket[] = [];
  const track = <T extends { stop(): Promise<unknown> }>(thing: T): T => (running.push(thing), thing);

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    for (const thing of running.splice(0).reverse()) await thing.stop();
  });

  async function startSimulator(env: Record<string, string>): Promise<SimulatorProcess> {
    const simulator = track(new SimulatorProcess({ SIM_PORT: String(await freePort()), ...env }).start());
    await simulator.waitForLine(/^CXone simulator ready/);
    return simulator;
  }

  it('plays to the service it prints the settings for: cards pushed, verdicts trained, SIGTERM exits 0', async () => {
    const simulator = await startSimulator({ SIM_PLAY_PAUSE_MS: '200', SIM_PLAY_SPEED: '2' });
    await simulator.waitForLine(/waiting for a stream client before playing/);
    await sleep(1000);
    expect(simulator.lines(/playing "/), 'nobody listens yet').toEqual([]);

    const app = track(await new AppProcess({ ...printedServiceEnv(simulator), LOG_LEVEL: 'info' }).start());
    await app.waitForReady();
    const pin = new RegExp(`\\[cxone-sim\\] cards for (sim-1-conv-voicemail-pin-${SIM_ID}): Reset a voicemail PIN`);
    const interactionId = pin.exec(await simulator.waitForLine(pin, 30_000))![1];
    await simulator.waitForLine(new RegExp(`training feedback for ${interactionId}: ACCEPTED kb-tel-001$`));
    // By now the service has long had the push answered and logged it.
    expect(app.logs).toMatch(new RegExp(`Pushed \\d+ card\\(s\\) for interaction ${interactionId}\\b`));

    // The README's sample line has the real shape (its random id suffix aside).
    const [sample] = /^\[cxone-sim\] cards for .+$/m.exec(README) ?? [];
    expect(sample, 'README sample line').toBeDefined();
    const samplePattern = `^${sample!.replace(/[[\]|.()]/g, '\\$&').replace(/-[0-9a-f]{4}:/, `-${SIM_ID}:`)}$`;
    expect(simulator.lines(new RegExp(samplePattern))).not.toEqual([]);

    // Mid-conversation: the next one is playing when the signal comes.
    await simulator.waitForLine(/playing "Banking: unrecognized card charge"/, 30_000);
    const signalledAt = Date.now();
    expect(await simulator.stop('SIGTERM')).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(2000);
    await app.waitForStatus('/health/ready', 503, 5000); // its socket was closed
  });

  it('pauses when its last stream client leaves and plays on, under a fresh id, when one connects', async () => {
    const simulator = await startSimulator({ SIM_PLAY_PAUSE_MS: '0', SIM_AGENT_VERDICTS: 'false' });
    const env = printedServiceEnv(simulator);
    sockets.push(await connectStream(env));
    await simulator.waitForLine(/playing "Telecom: forgotten voicemail PIN" as sim-1-conv-voicemail-pin-/);

    sockets.pop()!.close();
    await simulator.waitForLine(/sim-1-conv-voicemail-pin-\S+ abandoned: no stream client/, 10_000);
    await simulator.waitForLines(/waiting for a stream client before playing/, 2, 5000);
    await sleep(1000);
    expect(simulator.lines(/playing "/)).toHaveLength(1);

    sockets.push(await connectStream(env));
    await simulator.waitForLine(/playing "Banking: unrecognized card charge" as sim-1-conv-card-dispute-/, 5000);
  });

  it('serves without playing when SIM_PLAY=false', async () => {
    const simulator = await startSimulator({ SIM_PLAY: 'false' });
    sockets.push(await connectStream(printedServiceEnv(simulator)));
    await sleep(1500);
    expect(simulator.logs).toContain('plays nothing (SIM_PLAY=false)');
    expect(simulator.lines(/playing|waiting for a stream client/)).toEqual([]);
  });

  it('refuses a bad setting with one line naming it, and exit code 1', async () => {
    const simulator = track(new SimulatorProcess({ SIM_PORT: '70000', SIM_PLAY: 'yes' }).start());
    expect(await simulator.exitCode()).toBe(1);
    expect(simulator.logs.trim().split('\n')).toEqual([
      'Invalid simulator settings: SIM_PORT must be a port number from 0 to 65535 (got "70000"); ' +
        'SIM_PLAY must be true or false (got "yes")',
    ]);
  });
});
