import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, freePort, tenantEnv } from './support/app-process.js';
import { fragment, turnEnd } from './support/events.js';

const CHROMIUM = '/usr/bin/chromium';
const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

/**
 * A stand-in for the CXone agent desktop (MAX): it frames the panel and, like MAX's postMessage
 * integration, acknowledges RegisterForClientEvents and posts CallContactEvents to it.
 */
function desktopPage(panelUrl: string): string {
  return `<!doctype html><html><body>
<iframe id="panel" src="${panelUrl}" width="380" height="700"></iframe>
<script>
  window.registrations = [];
  const frame = document.getElementById('panel');
  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow) return;
    const data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
    if (data && data.messageType === 'RegisterForClientEvents') {
      window.registrations.push(data);
      frame.contentWindow.postMessage({ issuer: 'MAX', events: [{ messageType: 'ClientEventSubscriptionAcknowledge', status: 'success' }] }, event.origin);
    }
  });
  window.contactEvent = (contactId, status) => frame.contentWindow.postMessage(
    { issuer: 'MAX', contactId, events: [{ Type: 'CallContactEvent', ContactID: contactId, Status: status, FinalState: status === 'Disconnected' }] },
    new URL(frame.src).origin);
</script></body></html>`;
}

/** The agent panel in a real Chromium: sign-in with the tenant, live cards, a verdict, a refused contact, MAX. */
describe('agent panel (browser e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;
  let desktop: Server;
  let desktopUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    await simulator.start();
    const [port, desktopPort] = [await freePort(), await freePort()];
    desktopUrl = `http://127.0.0.1:${desktopPort}`;
    app = await new AppProcess(
      tenantEnv(simulator, {
        PORT: String(port),
        CARD_SINKS: 'panel',
        PANEL_PUBLIC_URL: `http://127.0.0.1:${port}`,
        PANEL_FRAME_ANCESTORS: desktopUrl,
        CXONE_ISSUER: simulator.issuer,
        PANEL_CONTACTS_POLL_MS: '500',
      }),
    ).start();
    desktop = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(desktopPage(`${app.baseUrl}/agent`));
    });
    desktop.listen(desktopPort, '127.0.0.1');
    await once(desktop, 'listening');
    await app.waitForReady();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    desktop?.close();
    await app?.stop();
    await simulator?.stop();
  });

  const ask = (contactId: string, text: string) => {
    simulator.send(fragment(contactId, text));
    simulator.send(turnEnd(contactId));
  };

  async function signIn(page: Page): Promise<void> {
    await page.getByTestId('sign-in').click();
    await page.getByRole('button', { name: /Demo Agent/ }).click();
  }

  it('signs in, shows cards as they arrive, records an Accept, and refuses another agent’s contact', async () => {
    const contactId = 'browser-contact-1';
    simulator.send(fragment(contactId, 'hello there'));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${app.baseUrl}/agent?contactId=${contactId}`);
    await signIn(page);
    await page.waitForURL(`${app.baseUrl}/agent?contactId=${contactId}`);
    await expect.poll(() => page.getByTestId('agent').textContent(), { timeout: 10_000 }).toContain('Demo Agent');
    await page.getByTestId('quiet').waitFor({ timeout: 10_000 });

    ask(contactId, 'I forgot my voicemail PIN and cannot get into my voicemail box');
    const card = page.locator('[data-testid="card"][data-card-id="kb-tel-001"]');
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: /^Accept/ }).click();
    await expect.poll(() => card.getByTestId('verdict').textContent(), { timeout: 10_000 }).toBe('Accepted');
    await expect
      .poll(() => simulator.received.feedback.filter((f) => f.body.interactionId === contactId).length, {
        timeout: 10_000,
      })
      .toBe(1);
    expect(simulator.received.feedback.find((f) => f.body.interactionId === contactId)!.body).toMatchObject({
      insightId: 'kb-tel-001',
      action: 'ACCEPTED',
    });

    const theirs = 'browser-contact-theirs';
    simulator.send(fragment(theirs, 'hello'));
    simulator.assignContact(theirs, '1002');
    await page.goto(`${app.baseUrl}/agent?contactId=${theirs}`);
    await expect
      .poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 })
      .toMatch(/not assigned to you/i);
    expect(await page.getByTestId('card').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('inside the desktop’s iframe, follows the contact MAX reports and clears when it disconnects', async () => {
    const page = await browser.newPage();
    await page.goto(desktopUrl);
    const panel = page.frameLocator('#panel');
    // browser.newPage() is a fresh context: no session yet. Inside a frame, sign-in opens a popup.
    const popupOpened = page.waitForEvent('popup', { timeout: 10_000 });
    await panel.getByTestId('sign-in').click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: /Demo Agent/ }).click();
    await popup.waitForEvent('close', { timeout: 10_000 });
    await expect.poll(() => panel.getByTestId('agent').textContent(), { timeout: 10_000 }).toContain('Demo Agent');
    await expect.poll(() => page.evaluate(() => (globalThis as any).registrations.length), { timeout: 5000 }).toBe(1);

    const contactId = 'browser-max-1';
    simulator.send(fragment(contactId, 'hello'));
    await page.evaluate((id) => (globalThis as any).contactEvent(id, 'Active'), contactId);
    await panel.getByTestId('quiet').waitFor({ timeout: 10_000 });
    ask(contactId, 'my debit card was stolen and I need to freeze it right now');
    await panel.getByTestId('card').first().waitFor({ timeout: 15_000 });
    expect(await panel.getByTestId('card').count()).toBeGreaterThan(0);

    await page.evaluate((id) => (globalThis as any).contactEvent(id, 'Disconnected'), contactId);
    await expect.poll(() => panel.getByTestId('card').count(), { timeout: 10_000 }).toBe(0);
    await page.close();
  });
});
