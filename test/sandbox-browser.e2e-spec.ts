import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, sleep, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const DOCS_SCREENSHOT = fileURLToPath(new URL('../docs/sandbox.png', import.meta.url));
const SANDBOX_ENV = { NODE_ENV: 'development', SANDBOX_DEMO: 'false', LOG_LEVEL: 'info' };

/** A control request as the page sends it: always JSON (the sandbox refuses other bodies with 415). */
async function post(app: AppProcess, path: string, body: unknown = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

async function waitUntil<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The agent desktop preview in a real headless Chromium, against the service in sandbox mode. */
describe('sandbox agent desktop preview (browser e2e)', () => {
  let app: AppProcess;
  let browser: Browser;

  beforeAll(async () => {
    app = await new AppProcess(SANDBOX_ENV).start();
    await app.waitForReady();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('plays a scripted conversation, shows its cards, and an Accept reaches the training endpoint', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));

    await page.goto(`${app.baseUrl}/sandbox`);
    await page.locator('#live.ok').waitFor({ timeout: 10_000 });
    await page.locator('#health.ok').waitFor({ timeout: 10_000 });
    await page.locator('button[data-conversation-id="conv-card-dispute"]').click();

    const panel = page.locator('section.interaction').first();
    await panel.locator('.line').first().waitFor({ timeout: 10_000 });
    const firstCard = panel.locator('.card').first();
    await firstCard.waitFor({ timeout: 20_000 });
    const interactionId = await panel.getAttribute('data-interaction-id');
    const insightId = await firstCard.getAttribute('data-insight-id');
    expect(interactionId).toMatch(/^conv-card-dispute-[0-9a-f]{6}$/);
    expect(insightId).toBeTruthy();
    expect(await panel.locator('.speaker.CUSTOMER').count()).toBeGreaterThan(0);
    expect(await firstCard.locator('.prio').textContent()).toBe('#1');
    const link = firstCard.locator('a');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await link.getAttribute('href')).toMatch(/^https?:\/\//);

    await firstCard.locator('button.accept').click();
    await firstCard.locator('.fb.ok').waitFor({ timeout: 15_000 });
    expect(await firstCard.locator('.fb').textContent()).toContain('Training endpoint received ACCEPTED');
    expect(await page.locator('#feedback-log li').first().textContent()).toContain(`ACCEPTED ${insightId}`);

    const feedback = await waitUntil(
      async () => {
        const { body } = await app.getJson('/sandbox/api/feedback');
        return (body as any[]).find((entry) => entry.interactionId === interactionId && entry.delivered);
      },
      10_000,
      'the training endpoint to receive the verdict',
    );
    expect(feedback).toMatchObject({ insightId, action: 'ACCEPTED', attempts: 1, statuses: [200], lastStatus: 200 });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}sandbox.png` });
    if (existsSync(fileURLToPath(new URL('../docs/', import.meta.url))) && process.env.UPDATE_DOCS_SCREENSHOT) {
      copyFileSync(`${ARTIFACTS}sandbox.png`, DOCS_SCREENSHOT);
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('renders hostile transcript text as text, never as markup', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/sandbox`);
    await page.locator('#live.ok').waitFor({ timeout: 10_000 });
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    await page.locator('#utterance-text').fill(hostile);
    await page.locator('#utterance button[type=submit]').click();
    const line = page.locator('.line .text', { hasText: '<img' }).first();
    await line.waitFor({ timeout: 10_000 });
    expect(await line.textContent()).toContain('<img src=x');
    expect(await page.locator('.transcript img, .transcript b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).__pwned)).toBeUndefined();
    await page.close();
  });

  it('validates the control endpoints', async () => {
    const conversations = await app.getJson('/sandbox/api/conversations');
    expect(conversations.status).toBe(200);
    expect(conversations.body.length).toBeGreaterThanOrEqual(8);
    expect(conversations.body[0]).toMatchObject({ id: expect.any(String), title: expect.any(String) });

    expect((await post(app, '/sandbox/api/conversations/no-such-script/start')).status).toBe(404);
    const started = await post(app, `/sandbox/api/conversations/${conversations.body[0].id}/start`);
    expect(started.status).toBe(202);
    expect(started.body.interactionId).toMatch(new RegExp(`^${conversations.body[0].id}-`));

    expect((await post(app, '/sandbox/api/utterance', {})).status).toBe(400);
    expect((await post(app, '/sandbox/api/utterance', { text: '   ' })).status).toBe(400);
    expect((await post(app, '/sandbox/api/utterance', { text: 'x'.repeat(1001) })).status).toBe(400);
    expect((await post(app, '/sandbox/api/utterance', { text: 'hi', interactionId: 'bad id!' })).status).toBe(400);
    expect((await post(app, '/sandbox/api/utterance', '[1,2]')).status).toBe(400);
    expect((await post(app, '/sandbox/api/utterance', { text: 'y'.repeat(200_000) })).status).toBe(413);
    const spoken = await post(app, '/sandbox/api/utterance', { text: 'my voicemail PIN does not work' });
    expect(spoken.status).toBe(202);
    expect(spoken.body.interactionId).toMatch(/^typed-/);

    expect(
      (await post(app, '/sandbox/api/verdicts', { interactionId: 'a', insightId: 'b', verdict: 'MAYBE' })).status,
    ).toBe(400);
    expect((await post(app, '/sandbox/api/faults/melt-down')).status).toBe(404);
    expect((await post(app, '/sandbox/api/faults/rate-limit-storm', { count: 0 })).status).toBe(400);
    expect((await post(app, '/sandbox/api/faults/rate-limit-storm', { count: 'many' })).status).toBe(400);
  });

  it('injects faults the service recovers from', async () => {
    const before = (await app.getJson('/health/ready')).body.details.stream.reconnects as number;
    const dropped = await post(app, '/sandbox/api/faults/drop-socket');
    expect(dropped.status).toBe(200);
    await waitUntil(
      async () => {
        const { status, body } = await app.getJson('/health/ready');
        return status === 200 && body.details.stream.reconnects > before;
      },
      20_000,
      'the service to reconnect after the dropped socket',
    );

    expect((await post(app, '/sandbox/api/faults/expire-tokens')).status).toBe(200);
    expect((await post(app, '/sandbox/api/faults/rate-limit-storm', { count: 2 })).body.effect).toContain('429');

    const { body } = await post(app, '/sandbox/api/utterance', { text: 'I was charged an overdraft fee refund it' });
    const interactionId = body.interactionId as string;
    const card = await waitUntil(
      () => findCard(app, interactionId),
      20_000,
      'a card for the typed utterance (after the 429 storm and the token expiry)',
    );

    // One Reject while training is down: redelivered until it is back up, yet one verdict on the page.
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${app.baseUrl}/sandbox`);
    await page.locator('#live.ok').waitFor({ timeout: 10_000 });
    expect((await post(app, '/sandbox/api/faults/training-down', { count: 100 })).status).toBe(200);
    const cardNode = page.locator(`section[data-interaction-id="${interactionId}"] .card[data-insight-id="${card}"]`);
    await cardNode.first().locator('button.reject').click();
    const logEntries = page.locator(`#feedback-log li[data-interaction-id="${interactionId}"]`);
    const attemptsShown = async () => Number(await logEntries.first().getAttribute('data-attempts'));
    await logEntries.first().waitFor({ timeout: 10_000 });
    await waitUntil(async () => (await attemptsShown()) >= 2, 20_000, 'the service to redeliver the verdict');
    expect(await logEntries.count()).toBe(1);
    expect(await logEntries.first().getAttribute('data-delivered')).toBe('false');
    const undelivered = await verdictsOf(app, interactionId);
    expect(undelivered).toHaveLength(1);
    expect(undelivered[0]).toMatchObject({ insightId: card, action: 'REJECTED', delivered: false, lastStatus: 503 });
    expect(undelivered[0].attempts).toBeGreaterThanOrEqual(2);
    expect(new Set(undelivered[0].statuses)).toEqual(new Set([503]));

    expect((await post(app, '/sandbox/api/faults/training-up')).status).toBe(200);
    await page
      .locator(`#feedback-log li[data-interaction-id="${interactionId}"][data-delivered="true"]`)
      .waitFor({ timeout: 20_000 });
    expect(await logEntries.count()).toBe(1);
    expect(await attemptsShown()).toBeGreaterThan(undelivered[0].attempts);
    expect(await logEntries.first().textContent()).toContain(`REJECTED ${card} → delivered`);
    expect(await cardNode.first().locator('.fb.ok').textContent()).toContain('Training endpoint received REJECTED');
    const delivered = await verdictsOf(app, interactionId);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ insightId: card, action: 'REJECTED', delivered: true });
    expect(delivered[0].attempts).toBeGreaterThan(undelivered[0].attempts);
    expect(delivered[0].statuses[0]).toBe(503);
    expect(delivered[0].lastStatus).toBeLessThan(300);
    await page.close();
  });
});

/** What `GET /sandbox/api/feedback` lists for one interaction: one entry per verdict. */
async function verdictsOf(app: AppProcess, interactionId: string): Promise<any[]> {
  const { body } = await app.getJson('/sandbox/api/feedback');
  return (body as any[]).filter((entry) => entry.interactionId === interactionId);
}

/** The first card pushed for the interaction, as the preview's state shows it. */
async function findCard(app: AppProcess, interactionId: string): Promise<string | undefined> {
  const { body } = await app.getJson('/sandbox/api/state');
  const view = body.interactions.find((candidate: any) => candidate.interactionId === interactionId);
  return view?.pushes[0]?.cards[0]?.id;
}

describe('sandbox preview in tenant mode', () => {
  it('does not exist: /sandbox and its API answer 404', async () => {
    const simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    await simulator.start();
    const app = await new AppProcess(tenantEnv(simulator)).start();
    try {
      await app.waitForReady();
      for (const path of [
        '/sandbox',
        '/sandbox/events',
        '/sandbox/api/conversations',
        '/sandbox/api/feedback',
        '/sandbox/api/state',
      ]) {
        expect((await fetch(`${app.baseUrl}${path}`)).status, path).toBe(404);
      }
      expect((await post(app, '/sandbox/api/faults/drop-socket')).status).toBe(404);
      expect(simulator.acceptedHandshakes).toBe(1);
    } finally {
      await app.stop();
      await simulator.stop();
    }
  });
});
