import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../src/simulator/timing.js';
import { AppProcess } from './support/app-process.js';

const SANDBOX_ENV = { NODE_ENV: 'development', SANDBOX_DEMO: 'false', LOG_LEVEL: 'info' };
const EVIL = 'https://evil.example';
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** This machine's first non-loopback IPv4 address, if it has one. */
const EXTERNAL_IPV4 = Object.values(networkInterfaces())
  .flat()
  .find((address) => address?.family === 'IPv4' && !address.internal)?.address;

interface Sent {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** node:http, not fetch: fetch may not set `Host`, and the tests need exactly these headers on the wire. */
function send(app: AppProcess, { method = 'POST', path, headers = {}, body }: Sent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: app.port, method, path, headers: { Host: `127.0.0.1:${app.port}`, ...headers } },
      (response) => {
        response.resume(); // an event stream that was let through is closed by destroy below
        resolve(response.statusCode ?? 0);
        if (response.headers['content-type']?.startsWith('text/event-stream')) request.destroy();
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function notices(app: AppProcess): Promise<string[]> {
  const { body } = await app.getJson('/sandbox/api/state');
  return (body.notices as Array<{ text: string }>).map((notice) => notice.text);
}

async function tokenRefreshes(app: AppProcess): Promise<number> {
  return (await app.getJson('/health/ready')).body.details.token.refreshes as number;
}

/** Speaks an utterance and waits for its card: the knowledge search is what meets a revoked token. */
async function speakAndWaitForCard(app: AppProcess): Promise<void> {
  const cardsBefore = await cardPushes(app);
  const status = await send(app, {
    path: '/sandbox/api/utterance',
    headers: JSON_TYPE,
    body: JSON.stringify({ text: 'I was charged an overdraft fee can you refund it' }),
  });
  expect(status).toBe(202);
  await waitFor(async () => (await cardPushes(app)) > cardsBefore, 20_000, 'cards for the utterance');
}

async function cardPushes(app: AppProcess): Promise<number> {
  const { body } = await app.getJson('/sandbox/api/state');
  return (body.interactions as Array<{ pushes: unknown[] }>).reduce((sum, view) => sum + view.pushes.length, 0);
}

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

describe('sandbox controls refuse cross-site and rebinding requests (e2e)', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await new AppProcess(SANDBOX_ENV).start();
    await app.waitForReady();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('a text/plain POST from a foreign origin does not expire the tokens; a same-origin JSON POST does', async () => {
    await speakAndWaitForCard(app); // the service holds a working token
    const refreshes = await tokenRefreshes(app);

    const crossSite = { 'Content-Type': 'text/plain', Origin: EVIL };
    const path = '/sandbox/api/faults/expire-tokens';
    expect(await send(app, { path, headers: crossSite, body: '{"secret":"do-not-log-me"}' })).toBe(403);
    expect(await send(app, { path, headers: { 'Content-Type': 'text/plain' }, body: '{}' })).toBe(415);
    expect(await send(app, { path })).toBe(415); // no body, no type: still not JSON
    expect(await notices(app)).not.toContainEqual(expect.stringContaining('revoked'));
    await speakAndWaitForCard(app);
    expect(await tokenRefreshes(app)).toBe(refreshes); // the old token still works: nothing was revoked

    const sameOrigin = { ...JSON_TYPE, Origin: `http://127.0.0.1:${app.port}` };
    expect(await send(app, { path, headers: sameOrigin, body: '{}' })).toBe(200);
    expect(await notices(app)).toContainEqual(expect.stringContaining('revoked every issued token'));
    await speakAndWaitForCard(app);
    expect(await tokenRefreshes(app)).toBeGreaterThan(refreshes);

    expect(app.logs).toContain('Sandbox request refused (origin): POST /sandbox/api/faults/expire-tokens');
    expect(app.logs).toContain('Sandbox request refused (content-type): POST /sandbox/api/faults/expire-tokens');
    expect(app.logs).not.toContain('do-not-log-me');
  });

  it('refuses a JSON request from a foreign Origin, on controls and on the reads that carry transcripts', async () => {
    const headers = { ...JSON_TYPE, Origin: EVIL };
    const before = (await notices(app)).length;
    expect(await send(app, { path: '/sandbox/api/faults/training-down', headers, body: '{}' })).toBe(403);
    const utterance = JSON.stringify({ text: 'hello from another site' });
    expect(await send(app, { path: '/sandbox/api/utterance', headers, body: utterance })).toBe(403);
    for (const path of ['/sandbox/api/state', '/sandbox/api/feedback', '/sandbox/events']) {
      expect(await send(app, { method: 'GET', path, headers: { Origin: EVIL } }), path).toBe(403);
    }
    expect((await notices(app)).length).toBe(before);
    const { body } = await app.getJson('/sandbox/api/state');
    expect(JSON.stringify(body)).not.toContain('hello from another site');
  });

  it('refuses a foreign Host (DNS rebinding), even when the Origin matches it', async () => {
    const rebound = `attacker.example:${app.port}`;
    const headers = { ...JSON_TYPE, Host: rebound, Origin: `http://${rebound}` };
    expect(await send(app, { path: '/sandbox/api/faults/training-down', headers, body: '{}' })).toBe(403);
    for (const path of ['/sandbox', '/sandbox/api/state', '/sandbox/events']) {
      expect(await send(app, { method: 'GET', path, headers: { Host: rebound } }), path).toBe(403);
    }
    expect(await notices(app)).not.toContainEqual(expect.stringContaining('training endpoint answers 503'));
  });

  it('lets same-origin JSON requests through by loopback name, and counts every refusal', async () => {
    const local = `localhost:${app.port}`;
    const headers = { ...JSON_TYPE, Host: local, Origin: `http://${local}` };
    expect(await send(app, { path: '/sandbox/api/faults/training-up', headers, body: '{}' })).toBe(200);
    expect(await send(app, { method: 'GET', path: '/sandbox/api/state', headers: { Host: local } })).toBe(200);

    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    const refused = (reason: string) =>
      Number(
        new RegExp(`agent_assist_sandbox_requests_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(metrics)?.[1],
      );
    expect(refused('origin')).toBeGreaterThanOrEqual(6);
    expect(refused('content-type')).toBeGreaterThanOrEqual(2);
    expect(refused('host')).toBeGreaterThanOrEqual(4);
  });

  it('listens on loopback only when HOST is unset', async (context) => {
    expect(app.logs).toContain(`listening on 127.0.0.1:${app.port} (sandbox mode)`);
    expect(app.logs).not.toContain('listens beyond loopback');
    if (!EXTERNAL_IPV4) context.skip('this machine has no non-loopback IPv4 address to try');
    expect(await reachable('127.0.0.1', app.port)).toBe(true);
    expect(await reachable(EXTERNAL_IPV4!, app.port)).toBe(false);
  });
});

describe('sandbox mode with HOST=0.0.0.0 (e2e)', () => {
  it('is reachable on every interface, and still answers the sandbox only by loopback names', async (context) => {
    const app = await new AppProcess({ ...SANDBOX_ENV, HOST: '0.0.0.0' }).start();
    try {
      await app.waitForReady();
      expect(app.logs).toContain(`listening on 0.0.0.0:${app.port} (sandbox mode)`);
      expect(app.logs).toContain('HOST=0.0.0.0: the sandbox preview (live transcripts, fault controls) listens beyond');
      if (!EXTERNAL_IPV4) context.skip('this machine has no non-loopback IPv4 address to try');
      expect(await reachable(EXTERNAL_IPV4!, app.port)).toBe(true);
      const health = await fetch(`http://${EXTERNAL_IPV4}:${app.port}/health/live`);
      expect(health.status).toBe(200);
      // 0.0.0.0 names no host a browser uses: the page by IP needs HOST set to that IP.
      const byIp = await fetch(`http://${EXTERNAL_IPV4}:${app.port}/sandbox/api/state`);
      expect(byIp.status).toBe(403);
    } finally {
      await app.stop();
    }
  });
});
