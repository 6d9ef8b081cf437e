// What open agent panels cost the service: RSS per open panel (SSE connection + subscription), and CPU per
// card event delivered to a panel (fan-out), measured on the service process.
import { request } from 'node:http';
import { CxoneSimulator } from '../../node_modules/.cache/assist-bench/dist/simulator/index.js';
import { CLIENT_ID, CLIENT_SECRET, ServiceProcess, freePort } from './service.mjs';

// A different need each round: an article already on a contact's screen is never pushed again.
const NEEDS = [
  'my debit card was stolen please freeze it',
  'I forgot my voicemail PIN and cannot get in',
  'how do I set up international roaming before my trip abroad',
];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function signIn(base) {
  const login = await fetch(`${base}/agent/login?return=/agent`, { redirect: 'manual' });
  const authorize = new URL(login.headers.get('location'));
  const form = new URLSearchParams(authorize.searchParams);
  form.set('agent_id', '1001');
  const chosen = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  const callback = await fetch(chosen.headers.get('location'), { redirect: 'manual' });
  return callback.headers.get('set-cookie').split(';')[0];
}

/** One open panel: a raw SSE connection that counts the card events it receives. */
function openPanel(base, cookie, contactId) {
  return new Promise((resolve, reject) => {
    const panel = { cards: 0, close: () => req.destroy() };
    const req = request(`${base}/agent/events?contactId=${contactId}`, { headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`panel refused: ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk) => (panel.cards += chunk.split('event: cards').length - 1));
      res.on('error', () => undefined);
      resolve(panel);
    });
    req.on('error', (error) => (panel.opened ? undefined : reject(error)));
    req.end();
  });
}

/** Every contact says one need and ends its turn; resolves when the service pushed for all of them. */
async function speakToAll(simulator, contacts, round) {
  const before = simulator.received.cards.length;
  for (const contactId of contacts) {
    simulator.send(
      JSON.stringify({
        type: 'TRANSCRIPT_FRAGMENT',
        interactionId: contactId,
        speaker: 'CUSTOMER',
        text: NEEDS[round],
      }),
    );
    simulator.send(JSON.stringify({ type: 'DIALOG_STATE', interactionId: contactId, state: 'TURN_END' }));
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && simulator.received.cards.length - before < contacts.length) await sleep(50);
  await sleep(300);
}

export async function runPanels({ panels = 500, perContact = 5 }) {
  const simulator = new CxoneSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  await simulator.start();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service = await new ServiceProcess(simulator, {
    PORT: String(port),
    CARD_SINKS: 'cxone,panel',
    PANEL_PUBLIC_URL: base,
    CXONE_ISSUER: simulator.issuer,
    PANEL_CONTACT_OWNERS: 'any-agent',
    PANEL_MAX_CONNECTIONS: String(panels + 100),
    // Turns end with TURN_END; nothing flushes on silence meanwhile.
    BUFFER_SILENCE_MS: '600000',
    BUFFER_MAX_MS: '600000',
  }).start();
  const open = [];
  try {
    const cookie = await signIn(base);
    const contacts = Array.from({ length: Math.ceil(panels / perContact) }, (_, i) => `bench-panel-${i}`);
    // Warm-up: JIT, the hub's contact logs, 50 panels opened and closed.
    await speakToAll(simulator, contacts, 0);
    const warm = await Promise.all(contacts.slice(0, 50).map((id) => openPanel(base, cookie, id)));
    warm.forEach((panel) => panel.close());
    await sleep(1500);
    // Without panels: the cost of a turn that pushes to the tutorial's call and the (empty) hub.
    const cpu0 = service.cpuMs();
    await speakToAll(simulator, contacts, 1);
    const cpuWithout = service.cpuMs() - cpu0;
    const rss0 = service.memoryKb().rssKb;
    for (let i = 0; i < panels; i++) open.push(await openPanel(base, cookie, contacts[i % contacts.length]));
    await sleep(1500);
    const rss1 = service.memoryKb().rssKb;
    const delivered0 = open.reduce((sum, panel) => sum + panel.cards, 0);
    const cpu1 = service.cpuMs();
    await speakToAll(simulator, contacts, 2);
    const cpuWith = service.cpuMs() - cpu1;
    const delivered = open.reduce((sum, panel) => sum + panel.cards, 0) - delivered0;
    return {
      panels,
      contacts: contacts.length,
      kbPerPanel: (rss1 - rss0) / panels,
      rssMb: [rss0 / 1024, rss1 / 1024],
      turnCpuMsWithout: cpuWithout / contacts.length,
      turnCpuMsWith: cpuWith / contacts.length,
      delivered,
      expectedDeliveries: panels,
      cpuMsPerPanelEvent: delivered > 0 ? (cpuWith - cpuWithout) / delivered : NaN,
    };
  } finally {
    open.forEach((panel) => panel.close());
    await service.stop();
    await simulator.stop();
  }
}
