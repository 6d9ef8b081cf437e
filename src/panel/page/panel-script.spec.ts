import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PANEL_SCRIPT } from './panel-script.js';
import { loadPanel, PANEL_ORIGIN, session, type FakeResponse, type Request } from './panel-spec-kit.js';

const card = (id: string, priority: number, extra: object = {}) => ({
  id,
  title: `Title ${id}`,
  priority,
  score: 0.5,
  snippet: `Snippet ${id}`,
  citation: `https://kb.example.com/${id}`,
  ...extra,
});
const push = (cards: object[], contactId = '42') => ({ contactId, at: 1, cards });
const ids = (panel: ReturnType<typeof loadPanel>) => panel.cards().map((node) => node.dataset.cardId);
const button = (node: { children: any[] }, name: string) =>
  node.children
    .flatMap((child) => child.children)
    .find((child) => child.attributes.get('aria-label')?.startsWith(name));

/** A server whose session answer is `access` for every contact, and `verdicts` for the verdict posts. */
function server(access: string | null, verdicts: FakeResponse[] = []) {
  return (request: Request): FakeResponse => {
    if (request.url.startsWith('/agent/session'))
      return session(access, new URL(request.url, PANEL_ORIGIN).searchParams.get('contactId') ?? '');
    if (request.url === '/agent/verdicts') return verdicts.shift() ?? { status: 202, body: { recorded: true } };
    if (request.url === '/agent/logout') return { status: 204 };
    throw new Error('unexpected ' + request.url);
  };
}

describe('PANEL_SCRIPT', () => {
  it('is one classic script that builds no markup from strings', () => {
    expect(() => new Script(PANEL_SCRIPT)).not.toThrow();
    expect(PANEL_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(PANEL_SCRIPT).not.toMatch(/\.style\b|setAttribute\('style'/);
  });

  it('shows an allowed contact’s cards: newest push first, by priority, each id once, safe links only', async () => {
    const panel = loadPanel({ search: '?contactId=42', server: server('allowed') });
    await panel.settle();
    expect(panel.requests[0]).toMatchObject({ url: '/agent/session?contactId=42', method: 'GET' });
    expect(panel.sources.map((source) => source.url)).toEqual(['/agent/events?contactId=42']);
    expect(panel.ui.agent.textContent).toBe('Ana Agent');
    expect(panel.ui['sign-in'].hidden).toBe(true);
    panel.sources[0].open();
    expect(panel.ui.quiet).toMatchObject({ hidden: false, textContent: 'No suggestions yet' });

    panel.sources[0].emit('cards', push([card('b', 2), card('a', 1, { citation: 'javascript:alert(1)' })]));
    panel.sources[0].emit('cards', push([card('c', 1), card('a', 1)]));
    panel.sources[0].emit('cards', push([card('x', 1)], '99')); // another contact's
    expect(ids(panel)).toEqual(['c', 'a', 'b']);
    expect(panel.ui.quiet.hidden).toBe(true);
    const [c, a] = panel.cards();
    expect(c.textContent).toContain('Title cSnippet c');
    const link = c.children.find((child) => child.tagName === 'a')!;
    expect(link).toMatchObject({ href: 'https://kb.example.com/c', target: '_blank', rel: 'noopener noreferrer' });
    expect(a.children.some((child) => child.tagName === 'a')).toBe(false);
    expect(button(c, 'Accept: ')!.attributes.get('aria-label')).toBe('Accept: Title c');

    panel.sources[0].emit('verdict', { contactId: '42', insightId: 'a', verdict: 'REJECTED' });
    expect(a.dataset.verdict).toBe('REJECTED');
    expect(a.textContent).toContain('Rejected');
    expect(button(a, 'Accept: ')!.disabled).toBe(true);
    expect(button(c, 'Accept: ')!.disabled).toBe(false);
  });

  it('applies a verdict that arrives before its card (a replay after a reconnect)', async () => {
    const panel = loadPanel({ search: '?contactId=42', server: server('allowed') });
    await panel.settle();
    panel.sources[0].emit('verdict', { contactId: '42', insightId: 'a', verdict: 'ACCEPTED' });
    panel.sources[0].emit('cards', push([card('a', 1), card('b', 2)]));
    const [a, b] = panel.cards();
    expect(a.dataset.verdict).toBe('ACCEPTED');
    expect(button(a, 'Reject: ')!.disabled).toBe(true);
    expect(b.dataset.verdict).toBeUndefined();
  });

  it('keeps at most 50 cards, dropping the oldest', async () => {
    const panel = loadPanel({ search: '?contactId=42', server: server('allowed') });
    await panel.settle();
    for (let i = 0; i < 60; i++) panel.sources[0].emit('cards', push([card(`k${i}`, 1)]));
    expect(ids(panel)).toHaveLength(50);
    expect(ids(panel)[0]).toBe('k59');
    expect(ids(panel).at(-1)).toBe('k10');
  });

  it('sends a verdict once however often it is clicked, re-enables after a 5xx, marks the card when recorded', async () => {
    const panel = loadPanel({
      search: '?contactId=42',
      server: server('allowed', [{ status: 503, body: { recorded: false } }]),
    });
    await panel.settle();
    panel.sources[0].emit('cards', push([card('a', 1)]));
    const [node] = panel.cards();
    const accept = button(node, 'Accept: ')!;
    accept.click();
    accept.click();
    expect(accept.disabled).toBe(true);
    await panel.settle();
    const posts = panel.requests.filter((request) => request.url === '/agent/verdicts');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(posts[0].body!)).toEqual({ contactId: '42', insightId: 'a', verdict: 'ACCEPTED' });
    expect(accept.disabled).toBe(false);
    expect(node.textContent).toContain('Not saved (error 503)');

    accept.click();
    await panel.settle();
    expect(node.dataset.verdict).toBe('ACCEPTED');
    expect(node.textContent).toContain('Accepted');
    expect(accept.disabled).toBe(true);
  });

  it('shows the server’s message on a 403, and signs out on a 401', async () => {
    const answers = [
      { status: 403, body: { message: 'This contact is not assigned to you' } },
      { status: 401, body: { message: 'sign in' } },
    ];
    const panel = loadPanel({ search: '?contactId=42', server: server('allowed', answers) });
    await panel.settle();
    panel.sources[0].emit('cards', push([card('a', 1)]));
    const [node] = panel.cards();
    button(node, 'Reject: ')!.click();
    await panel.settle();
    expect(node.textContent).toContain('This contact is not assigned to you');
    button(node, 'Reject: ')!.click();
    await panel.settle();
    expect(panel.ui['sign-in'].hidden).toBe(false);
    expect(panel.cards()).toEqual([]);
    expect(panel.sources[0].closed).toBe(true);
  });

  it('says why it does not connect: refused, malformed, and retries an unknown contact every 2 s', async () => {
    const refused = loadPanel({ search: '?contactId=42', server: server('refused') });
    await refused.settle();
    expect(refused.ui.status).toMatchObject({ hidden: false, textContent: 'This contact is not assigned to you' });
    expect(refused.sources).toEqual([]);
    const malformed = loadPanel({ search: '?contactId=%7BContactID%7D', server: server('malformed') });
    await malformed.settle();
    expect(malformed.ui.status.textContent).toBe('Invalid contact id');
    expect(malformed.requests[0].url).toBe('/agent/session?contactId=%7BContactID%7D');

    let access = 'unknown';
    const unknown = loadPanel({ search: '?contactId=42', server: (request) => server(access)(request) });
    await unknown.settle();
    expect(unknown.sources).toEqual([]);
    expect(unknown.pending()).toEqual([2000]);
    access = 'allowed';
    await unknown.runTimers();
    expect(unknown.requests).toHaveLength(2);
    expect(unknown.sources).toHaveLength(1);
  });

  it('waits quietly without a contact id', async () => {
    const panel = loadPanel({ server: server(null) });
    await panel.settle();
    expect(panel.requests[0].url).toBe('/agent/session');
    expect(panel.ui.quiet).toMatchObject({ hidden: false, textContent: 'Waiting for a contact' });
    expect(panel.ui.status.hidden).toBe(true);
    expect(panel.sources).toEqual([]);
  });

  it('after a refused stream, asks the session why and reconnects after a doubling delay', async () => {
    let access = 'allowed';
    const panel = loadPanel({ search: '?contactId=42', server: (request) => server(access)(request) });
    await panel.settle();
    panel.sources[0].refuse();
    await panel.settle();
    expect(panel.requests.map((request) => request.url)).toEqual([
      '/agent/session?contactId=42',
      '/agent/session?contactId=42',
    ]);
    expect(panel.pending()).toEqual([1000]);
    await panel.runTimers();
    expect(panel.sources).toHaveLength(2);
    panel.sources[1].refuse();
    await panel.settle();
    expect(panel.pending()).toEqual([2000]);
    access = 'refused';
    await panel.runTimers();
    panel.sources[2].refuse();
    await panel.settle();
    expect(panel.ui.status.textContent).toBe('This contact is not assigned to you');
    expect(panel.pending()).toEqual([]);
  });

  it('keeps an ended contact’s cards, read-only', async () => {
    const panel = loadPanel({ search: '?contactId=42', server: server('allowed') });
    await panel.settle();
    panel.sources[0].emit('cards', push([card('a', 1)]));
    panel.sources[0].emit('ended', { contactId: '42' });
    expect(panel.ui.status.textContent).toBe('This contact has ended');
    expect(panel.sources[0].closed).toBe(true);
    expect(ids(panel)).toEqual(['a']);
    expect(button(panel.cards()[0], 'Accept: ')!.disabled).toBe(true);
  });

  it('signs in through a popup inside a frame, and looks again when the popup says so', async () => {
    let signedIn = false;
    const panel = loadPanel({
      parentOrigin: 'https://max.example.com',
      server: (request) => (signedIn ? server(null)(request) : { status: 401 }),
    });
    await panel.settle();
    expect(panel.ui['sign-in'].hidden).toBe(false);
    expect(panel.ui.agent.textContent).toBe('');
    panel.ui['sign-in'].click();
    expect(panel.opened).toEqual([['/agent/login?popup=1', 'cxone-sign-in', 'width=480,height=640']]);
    signedIn = true;
    await panel.message({ origin: 'https://evil.example.com', data: { type: 'agent-panel-signed-in' } });
    expect(panel.requests).toHaveLength(1);
    await panel.message({ origin: PANEL_ORIGIN, data: { type: 'agent-panel-signed-in' } });
    expect(panel.requests).toHaveLength(2);
    expect(panel.ui.agent.textContent).toBe('Ana Agent');
    expect(panel.ui['sign-in'].hidden).toBe(true);
  });

  it('signs in by navigating when it is the top window, and signs out', async () => {
    const panel = loadPanel({ search: '?contactId=42', server: server('allowed') });
    await panel.settle();
    panel.ui['sign-out'].click();
    await panel.settle();
    expect(panel.requests.at(-1)).toMatchObject({ url: '/agent/logout', method: 'POST' });
    expect(panel.ui['sign-in'].hidden).toBe(false);
    panel.ui['sign-in'].click();
    expect(panel.assigned).toEqual(['/agent/login?return=' + encodeURIComponent('/agent?contactId=42')]);
    expect(panel.opened).toEqual([]);
  });
});
