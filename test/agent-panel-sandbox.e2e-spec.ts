import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PanelStream, signInAs } from './support/agent-panel-client.js';
import { waitFor } from '../src/simulator/timing.js';
import { AppProcess } from './support/app-process.js';

/** `npm start` without a tenant: the simulator signs the demo agent in and maps its contacts to the panel. */
describe('agent panel in the sandbox (e2e)', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await new AppProcess({ NODE_ENV: 'development', SANDBOX_DEMO: 'true', LOG_LEVEL: 'info' }).start();
    await app.waitForReady();
  });

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
  });

  it('signs in the demo agent with one click and streams the cards of a demo call to the panel', async () => {
    const { cookie } = await signInAs(app, '1001');
    const contactId = await waitFor(
      async () => {
        const { body } = await app.getJson('/sandbox/api/state');
        return body.interactions[0]?.interactionId as string | undefined;
      },
      20_000,
      'a demo call',
    );
    await waitFor(
      async () => {
        const response = await fetch(`${app.baseUrl}/agent/session?contactId=${contactId}`, { headers: { cookie } });
        const session = (await response.json()) as { contact?: { access: string } };
        return session.contact?.access === 'allowed';
      },
      20_000,
      'the demo call assigned to the demo agent',
    );

    const panel = await new PanelStream(`${app.baseUrl}/agent/events?contactId=${contactId}`, { cookie }).open();
    expect(panel.status).toBe(200);
    await waitFor(() => panel.messages.some((m) => m.event === 'cards'), 30_000, 'cards on the panel');
    const cards = panel.messages.find((m) => m.event === 'cards')!.data.cards;
    expect(cards.length).toBeGreaterThan(0);
    expect(cards[0].citation).toMatch(/^https?:\/\//);
    panel.close();

    const sandbox = await (await fetch(`${app.baseUrl}/sandbox`)).text();
    expect(sandbox).toContain('/agent?contactId=');
  });
});
