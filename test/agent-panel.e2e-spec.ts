import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { PanelStream, signInAs } from './support/agent-panel-client.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, freePort, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment, turnEnd } from './support/events.js';
import { counter, readiness } from './support/probes.js';

const DEMO_AGENT = '1001';
const SECOND_AGENT = '1002';

/** The agent panel end to end: built service, simulator as CXone (identity provider, active contacts, stream). */
describe('agent panel (e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    await simulator.start();
    const port = await freePort();
    app = await new AppProcess(
      tenantEnv(simulator, {
        PORT: String(port),
        CARD_SINKS: 'cxone,panel',
        PANEL_PUBLIC_URL: `http://127.0.0.1:${port}`,
        CXONE_ISSUER: simulator.issuer,
        PANEL_CONTACTS_POLL_MS: '500',
        BUFFER_SILENCE_MS: '400',
      }),
    ).start();
    await app.waitForReady();
  });

  afterAll(async () => {
    const exitCode = await app?.stop();
    await simulator?.stop();
    expect(exitCode).toBe(0);
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}${path}`, { headers, redirect: 'manual' });
  const postVerdict = (cookie: string, body: object, headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}/agent/verdicts`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: app.baseUrl, ...headers },
      body: JSON.stringify(body),
    });
  const ask = (contactId: string, text: string) => {
    simulator.send(fragment(contactId, text));
    simulator.send(turnEnd(contactId));
  };
  /** The service learns owners by polling CXone: wait until it knows this one. */
  const waitForAccess = (cookie: string, contactId: string, access: string) =>
    simulator.waitFor(
      async () => {
        const response = await get(`/agent/session?contactId=${contactId}`, { cookie });
        return ((await response.json()) as { contact: { access: string } }).contact.access === access;
      },
      10_000,
      `contact ${contactId} ${access}`,
    );

  it('serves the page to anyone but nothing about a contact without a session', async () => {
    const page = await get('/agent');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors https://*.niceincontact.com');
    const html = await page.text();
    expect(html).not.toContain('kb-');

    expect((await get('/agent/session?contactId=c-any')).status).toBe(401);
    expect((await get('/agent/events?contactId=c-any')).status).toBe(401);
    const forged = await get('/agent/events?contactId=c-any', { cookie: `agent_panel_session=${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);
    expect((await postVerdict('', { contactId: 'c-any', insightId: 'kb-1', verdict: 'ACCEPTED' })).status).toBe(401);
  });

  it('signs an agent in with the tenant (code with PKCE), once per code: a replayed callback is refused', async () => {
    const { cookie, callbackUrl } = await signInAs(app, DEMO_AGENT);
    expect(cookie).toMatch(/^agent_panel_session=[\w-]{43}$/);
    const session = await (await get('/agent/session', { cookie })).json();
    expect(session).toMatchObject({ agentId: DEMO_AGENT, contact: null });

    const replay = await fetch(callbackUrl, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('set-cookie')).toBeNull();
    const wrongState = await get(`/agent/callback?code=abc&state=${'x'.repeat(43)}`);
    expect(wrongState.status).toBe(400);
    expect(app.logs).not.toContain(new URL(callbackUrl).searchParams.get('code')!);
    expect(app.logs).not.toContain(cookie.split('=')[1]);

    const foreignLogout = await fetch(`${app.baseUrl}/agent/logout`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(foreignLogout.status).toBe(403);
    expect((await get('/agent/session', { cookie })).status).toBe(200);
    const contactId = 'panel-logout-1';
    simulator.send(fragment(contactId, 'hello'));
    await waitForAccess(cookie, contactId, 'allowed');
    const open = await new PanelStream(`${app.baseUrl}/agent/events?contactId=${contactId}`, { cookie }).open();
    expect(open.status).toBe(200);
    const logout = await fetch(`${app.baseUrl}/agent/logout`, {
      method: 'POST',
      headers: { cookie, origin: app.baseUrl },
    });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await get('/agent/session', { cookie })).status).toBe(401);
    // Signing out ends the open event streams of the session, not only the next request.
    await simulator.waitFor(() => open.ended, 5000, 'the stream to end at sign-out');
  });

  it('streams a contact’s cards live, replays what a reconnect missed, and records a verdict once', async () => {
    const contactId = 'panel-live-1';
    const { cookie } = await signInAs(app, DEMO_AGENT);
    simulator.send(fragment(contactId, 'hello'));
    await waitForAccess(cookie, contactId, 'allowed');

    const first = await new PanelStream(`${app.baseUrl}/agent/events?contactId=${contactId}`, { cookie }).open();
    expect(first.status).toBe(200);
    ask(contactId, 'I forgot my voicemail PIN and cannot get into my voicemail box');
    await simulator.waitFor(() => first.messages.some((m) => m.event === 'cards'), 10_000, 'cards on the panel');
    const cards = first.messages.find((m) => m.event === 'cards')!.data.cards;
    expect(cards[0]).toMatchObject({ id: 'kb-tel-001', priority: 1 });
    // The tutorial's push call got the same cards (CARD_SINKS=cxone,panel); the panel may see them first.
    await simulator.waitFor(() => cardsFor(simulator, contactId).length > 0, 10_000, 'the cards push at the tenant');
    expect(cardsFor(simulator, contactId).at(-1)!.body.insights[0].id).toBe('kb-tel-001');

    const seen = first.lastId!;
    first.close();
    ask(contactId, 'also my card was stolen and I need to block it right away');
    await simulator.waitFor(() => cardsFor(simulator, contactId).length >= 2, 10_000, 'second push');
    const back = await new PanelStream(`${app.baseUrl}/agent/events?contactId=${contactId}`, {
      cookie,
      'last-event-id': seen,
    }).open();
    await simulator.waitFor(() => back.messages.length > 0, 5000, 'replay');
    expect(back.messages.map((m) => m.event)).toEqual(['cards']);
    expect(back.messages[0]!.data.cards.map((c: { id: string }) => c.id)).not.toContain('kb-tel-001');

    const verdict = { contactId, insightId: 'kb-tel-001', verdict: 'ACCEPTED' };
    const recorded = await postVerdict(cookie, verdict);
    expect(recorded.status).toBe(202);
    expect(await recorded.json()).toEqual({ recorded: true });
    const again = await postVerdict(cookie, verdict);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ recorded: false, reason: 'duplicate' });
    await simulator.waitFor(
      () =>
        simulator.received.feedback.some(
          (f) => f.body.insightId === 'kb-tel-001' && f.body.interactionId === contactId,
        ),
      10_000,
      'verdict at the training endpoint',
    );
    await simulator.waitFor(() => back.messages.some((m) => m.event === 'verdict'), 5000, 'verdict on the panel');
    const delivered = simulator.received.feedback.filter((f) => f.body.interactionId === contactId);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.body).toMatchObject({ action: 'ACCEPTED' });
    expect((await postVerdict(cookie, { ...verdict, insightId: 'kb-never-shown' })).status).toBe(404);
    back.close();
  });

  it('refuses another agent’s contact, a malformed contact id and a foreign origin, and counts each', async () => {
    const theirs = 'panel-theirs-1';
    const { cookie } = await signInAs(app, DEMO_AGENT);
    simulator.send(fragment(theirs, 'hello'));
    simulator.assignContact(theirs, SECOND_AGENT);
    await waitForAccess(cookie, theirs, 'refused');

    expect((await get(`/agent/events?contactId=${theirs}`, { cookie })).status).toBe(403);
    expect((await postVerdict(cookie, { contactId: theirs, insightId: 'kb-1', verdict: 'REJECTED' })).status).toBe(403);
    expect((await get('/agent/events?contactId=%3Cscript%3E', { cookie })).status).toBe(400);
    expect((await get('/agent/events', { cookie })).status).toBe(400);
    const foreign = await postVerdict(
      cookie,
      { contactId: theirs, insightId: 'kb-1', verdict: 'REJECTED' },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);

    const second = await signInAs(app, SECOND_AGENT);
    expect((await get(`/agent/session?contactId=${theirs}`, { cookie: second.cookie })).status).toBe(200);
    const theirStream = await new PanelStream(`${app.baseUrl}/agent/events?contactId=${theirs}`, {
      cookie: second.cookie,
    }).open();
    expect(theirStream.status).toBe(200);
    theirStream.close();

    const counters = await readiness(app);
    expect(counter(counters, 'panel_requests_refused{cause="not-owner"}')).toBeGreaterThanOrEqual(2);
    expect(counter(counters, 'panel_requests_refused{cause="malformed-contact"}')).toBeGreaterThanOrEqual(2);
    expect(counter(counters, 'panel_requests_refused{cause="origin"}')).toBeGreaterThanOrEqual(1);
  });
});
