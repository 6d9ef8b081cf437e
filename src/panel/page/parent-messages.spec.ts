import { describe, expect, it } from 'vitest';
import { PANEL_SCRIPT } from './panel-script.js';
import { loadPanel, PANEL_ORIGIN, session, type Request } from './panel-spec-kit.js';
import { originMatches, readParentMessage } from './parent-messages.js';

describe(originMatches.name, () => {
  const patterns = ['https://max.example.com', 'https://*.niceincontact.com', 'http://localhost:8080'];

  it('accepts an exact origin, and a subdomain at any depth of a wildcard one', () => {
    expect(originMatches('https://max.example.com', patterns)).toBe(true);
    expect(originMatches('https://home-c32.niceincontact.com', patterns)).toBe(true);
    expect(originMatches('https://a.b.niceincontact.com', patterns)).toBe(true);
    expect(originMatches('http://localhost:8080', patterns)).toBe(true);
    expect(originMatches('HTTPS://MAX.EXAMPLE.COM', patterns)).toBe(true);
    expect(originMatches('https://max.example.com:443', patterns)).toBe(true);
    expect(originMatches('https://max.example.com', ['https://max.example.com/'])).toBe(true);
  });

  it('refuses lookalikes, other schemes and ports, the bare wildcard domain, and junk', () => {
    for (const origin of [
      'https://niceincontact.com',
      'https://evilniceincontact.com',
      'https://niceincontact.com.evil.com',
      'https://max.example.com.evil.com',
      'https://evil.com/https://max.example.com',
      'http://max.example.com',
      'https://max.example.com:8443',
      'http://localhost',
      'http://localhost:8081',
      'https://user@max.example.com',
      'https://*.niceincontact.com',
      'null',
      '',
      'https://',
    ]) {
      expect(originMatches(origin, patterns), origin).toBe(false);
    }
    expect(originMatches(42, patterns)).toBe(false);
    expect(originMatches('https://max.example.com', 'https://max.example.com' as any)).toBe(false);
  });

  it('never treats a pattern as anything but an origin', () => {
    expect(originMatches('https://a.example.com', ['*'])).toBe(false);
    expect(originMatches('https://a.example.com', ['https://*'])).toBe(false);
    expect(originMatches('https://a.example.com', ['https://*.'])).toBe(false);
    expect(originMatches('https://axexample.com', ['https://a.example.com'])).toBe(false);
    expect(originMatches('https://a.example.com', ['https://a.*.com', "'self'", 'a.example.com'])).toBe(false);
    expect(originMatches('https://a.example.com', [null, 7, 'https://a.example.com'])).toBe(true);
  });
});

describe(readParentMessage.name, () => {
  const contact = (extra: object) => ({ Type: 'CallContactEvent', ContactID: '1001', Status: 'Active', ...extra });

  it('reads call contact events from an envelope, an object or its JSON text, in either key case', () => {
    const envelope = {
      issuer: 'MAX',
      contactId: null,
      events: [{ Type: 'AgentState' }, contact({ FinalState: 'False' })],
    };
    expect(readParentMessage(envelope).contacts).toEqual([{ contactId: '1001', status: 'Active', final: false }]);
    expect(readParentMessage(JSON.stringify(envelope)).contacts).toHaveLength(1);
    expect(
      readParentMessage({ type: 'CallContactEvent', contactId: 1002, status: 'Disconnected', finalState: true }),
    ).toEqual({
      contacts: [{ contactId: '1002', status: 'Disconnected', final: true }],
      acknowledged: null,
    });
  });

  it('reads the acknowledgement', () => {
    const ack = {
      messageType: 'ClientEventSubscriptionAcknowledge',
      status: 'ERROR',
      reason: 'Invalid Subscription Types.',
    };
    expect(readParentMessage({ issuer: 'CXA', events: [ack] }).acknowledged).toEqual({
      status: 'ERROR',
      reason: 'Invalid Subscription Types.',
    });
  });

  it('ignores anything malformed or oversized', () => {
    const nothing = { contacts: [], acknowledged: null };
    for (const data of [null, 7, '{not json', '[]', [contact({})], 'x'.repeat(70_000), { events: 'no' }]) {
      expect(readParentMessage(data)).toEqual(nothing);
    }
    const bad = [
      contact({ ContactID: '1 OR 1=1' }),
      contact({ ContactID: 'x'.repeat(65) }),
      contact({ ContactID: -5 }),
      contact({ Status: 7 }),
      contact({ Type: 'ChatContactEvent' }),
    ];
    expect(readParentMessage({ events: bad }).contacts).toEqual([]);
    const padded = JSON.stringify({ events: [contact({})], padding: 'x'.repeat(70_000) });
    expect(readParentMessage(padded)).toEqual(nothing);
    expect(readParentMessage(JSON.stringify({ events: [contact({})] })).contacts).toHaveLength(1);
    const many = Array.from({ length: 80 }, (_, i) => contact({ ContactID: String(i + 1) }));
    expect(readParentMessage({ events: many }).contacts).toHaveLength(50);
  });

  it('is inlined, whole, into the panel script', () => {
    expect(PANEL_SCRIPT).toContain(originMatches.toString());
    expect(PANEL_SCRIPT).toContain(readParentMessage.toString());
  });
});

describe('the panel inside the agent desktop', () => {
  const MAX = 'https://home-c32.niceincontact.com';
  const active = (id: number | string, Status = 'Active', extra: object = {}) => ({
    issuer: 'MAX',
    events: [{ Type: 'CallContactEvent', ContactID: id, Status, ...extra }],
  });
  function framed(search = '?contactId=42') {
    const server = (request: Request) =>
      session('allowed', new URL(request.url, PANEL_ORIGIN).searchParams.get('contactId') ?? '');
    return loadPanel({ search, parentOrigin: MAX, parentOrigins: ['https://*.niceincontact.com'], server });
  }

  it('registers for contact events with the parent, at the parent’s origin only', async () => {
    const panel = framed();
    await panel.settle();
    expect(panel.parentPosts).toEqual([
      {
        message: {
          issuer: 'AgentAssistPanel',
          messageType: 'RegisterForClientEvents',
          subscriptionTypes: ['contacts'],
        },
        targetOrigin: MAX,
      },
    ]);
    await panel.dispatch('pagehide');
    expect(panel.parentPosts[1]).toEqual({
      message: { issuer: 'AgentAssistPanel', messageType: 'UnregisterFromClientEvents' },
      targetOrigin: MAX,
    });
    const foreign = loadPanel({
      parentOrigin: 'https://evil.example.com',
      parentOrigins: ['https://*.niceincontact.com'],
      server: () => session(null),
    });
    expect(foreign.parentPosts).toEqual([]);
  });

  it('follows the agent to the next Active contact, only on messages from the parent at an allowed origin', async () => {
    const panel = framed();
    await panel.settle();
    panel.sources[0].emit('cards', { contactId: '42', at: 1, cards: [{ id: 'a', title: 'A', priority: 1 }] });
    await panel.message({ origin: 'https://evil.example.com', source: panel.parent, data: active(77) });
    await panel.message({ origin: MAX, source: {}, data: active(77) });
    await panel.message({ origin: MAX, source: panel.parent, data: active(42, 'Holding') });
    expect(panel.sources).toHaveLength(1);
    expect(panel.cards()).toHaveLength(1);

    await panel.message({ origin: MAX, source: panel.parent, data: JSON.stringify(active(77)) });
    expect(panel.sources[0].closed).toBe(true);
    expect(panel.cards()).toEqual([]);
    expect(panel.requests.at(-1)!.url).toBe('/agent/session?contactId=77');
    expect(panel.sources.map((source) => source.url)).toEqual([
      '/agent/events?contactId=42',
      '/agent/events?contactId=77',
    ]);
  });

  it('keeps the cards read-only in wrap-up, and clears when the contact is over', async () => {
    const panel = framed();
    await panel.settle();
    panel.sources[0].emit('cards', { contactId: '42', at: 1, cards: [{ id: 'a', title: 'A', priority: 1 }] });
    await panel.message({ origin: MAX, source: panel.parent, data: active(42, 'Disconnected', { FinalState: false }) });
    expect(panel.ui.status.textContent).toBe('This contact has ended');
    expect(panel.cards()).toHaveLength(1);
    await panel.message({ origin: MAX, source: panel.parent, data: active(42, 'Disconnected', { FinalState: true }) });
    expect(panel.cards()).toEqual([]);
    expect(panel.ui.quiet).toMatchObject({ hidden: false, textContent: 'Waiting for a contact' });
    expect(panel.sources[0].closed).toBe(true);
  });

  it('starts the next contact’s reconnect delay afresh', async () => {
    const panel = framed();
    await panel.settle();
    panel.sources[0].refuse();
    await panel.settle();
    await panel.runTimers();
    panel.sources[1].refuse();
    await panel.settle();
    expect(panel.pending()).toEqual([2000]);
    await panel.message({ origin: MAX, source: panel.parent, data: active(77) });
    panel.sources[2].refuse();
    await panel.settle();
    expect(panel.pending()).toEqual([1000]);
  });

  it('takes up a contact already on hold when it has none', async () => {
    const panel = framed('');
    await panel.settle();
    await panel.message({ origin: MAX, source: panel.parent, data: active('55', 'Holding') });
    expect(panel.sources.map((source) => source.url)).toEqual(['/agent/events?contactId=55']);
  });
});
