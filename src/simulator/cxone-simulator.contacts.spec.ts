import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVE_CONTACTS_PATH, CxoneSimulator, type ActiveContact, type Conversation } from './index.js';
import { issueSpecToken, SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

interface ContactsReply {
  lastPollTime: string;
  activeContacts: ActiveContact[];
}

const fragment = (interactionId: string) => ({ type: 'TRANSCRIPT_FRAGMENT', interactionId, text: 'my card' });
const ended = (interactionId: string) => ({ type: 'INTERACTION_ENDED', interactionId });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`${CxoneSimulator.name} real profile: active contacts (Real-Time Data API)`, () => {
  let sut: CxoneSimulator;
  let token: string;

  beforeAll(async () => {
    sut = new CxoneSimulator({ clientId: SPEC_CLIENT_ID, clientSecret: SPEC_CLIENT_SECRET });
    await sut.start();
    token = await issueSpecToken(sut);
  });

  afterEach(() => sut.reset());

  afterAll(async () => {
    await sut.stop();
  });

  function poll(query = '', bearer = token, path = ACTIVE_CONTACTS_PATH): Promise<Response> {
    return fetch(`${sut.issuer}${path}${query}`, { headers: { authorization: `Bearer ${bearer}` } });
  }

  async function contacts(query = ''): Promise<ContactsReply> {
    const response = await poll(query);
    if (response.status !== 200) throw new Error(`contacts/active answered ${response.status}`);
    return (await response.json()) as ContactsReply;
  }

  const owners = (reply: ContactsReply) =>
    reply.activeContacts.map(({ contactId, agentId, stateName }) => `${contactId}:${agentId}:${stateName}`);

  it('lists every interaction the stream started as a contact of the first agent', async () => {
    const before = Date.now();
    sut.send(fragment('call-1'));

    const reply = await contacts();

    expect(reply.activeContacts).toEqual([
      {
        contactId: 'call-1',
        masterContactId: 'call-1',
        agentId: '1001',
        stateName: 'Active',
        holdCount: 0,
        lastUpdateTime: expect.any(String),
      },
    ]);
    expect(Date.parse(reply.activeContacts[0]!.lastUpdateTime)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(reply.lastPollTime)).toBeGreaterThanOrEqual(Date.parse(reply.activeContacts[0]!.lastUpdateTime));
    expect(reply.lastPollTime).toBe(new Date(Date.parse(reply.lastPollTime)).toISOString());
  });

  it('follows a played conversation too, and answers under any API version', async () => {
    const script: Conversation = { id: 'conv-x', title: 'x', events: [{ delayMs: 0, event: fragment('played-1') }] };
    await sut.playConversation(script, { interactionId: 'played-1' });

    const v31 = await poll('', token, '/inContactAPI/services/v31.0/contacts/active');

    expect(v31.status).toBe(200);
    expect(owners((await v31.json()) as ContactsReply)).toEqual(['played-1:1001:Active']);
    expect((await poll('', token, '/inContactAPI/services/latest/contacts/active')).status).toBe(404);
  });

  it('assignContact gives a contact to another agent and marks it updated', async () => {
    sut.send(fragment('call-1'));
    sut.send(fragment('call-2'));
    const first = await contacts();
    await pause(5);

    sut.assignContact('call-2', '1002');

    const changed = await contacts(`?updatedSince=${first.lastPollTime}`);
    expect(owners(changed)).toEqual(['call-2:1002:Active']);
    expect(Date.parse(changed.activeContacts[0]!.lastUpdateTime)).toBeGreaterThan(Date.parse(first.lastPollTime));
    expect(owners(await contacts())).toEqual(['call-1:1001:Active', 'call-2:1002:Active']);
    expect(() => sut.assignContact('call-1', 'no-such-agent')).toThrow(RangeError);
  });

  it('with updatedSince lists only newer contacts, and answers 304 with no body when nothing changed', async () => {
    sut.send(fragment('call-old'));
    const first = await contacts();
    await pause(5);
    sut.send(fragment('call-new'));
    sut.send(fragment('call-old'));

    const newer = await contacts(`?updatedSince=${encodeURIComponent(first.lastPollTime)}`);
    const unchanged = await poll(`?updatedSince=${encodeURIComponent(newer.lastPollTime)}`);

    expect(owners(newer)).toEqual(['call-new:1001:Active']);
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
  });

  it('reports an ended interaction once more as Disconnected', async () => {
    sut.send(fragment('call-1'));
    const first = await contacts();
    await pause(5);

    sut.send(ended('call-1'));

    const end = await contacts(`?updatedSince=${first.lastPollTime}`);
    expect(owners(end)).toEqual(['call-1:1001:Disconnected']);
    expect(Date.parse(end.activeContacts[0]!.lastUpdateTime)).toBeGreaterThan(Date.parse(first.lastPollTime));
    expect((await poll(`?updatedSince=${end.lastPollTime}`)).status).toBe(304);
  });

  it('answers 401 without a token the simulator issued, 400 for a malformed updatedSince', async () => {
    const none = await fetch(`${sut.issuer}${ACTIVE_CONTACTS_PATH}`);
    const forged = await poll('', 'not-a-token');

    for (const response of [none, forged]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    for (const since of ['yesterday', 'Mon, 30 Nov 2026 22:00:00 +0000', '2026-13-01T00:00:00Z', '1700000000', '']) {
      const response = await poll(`?updatedSince=${encodeURIComponent(since)}`);
      expect(response.status, since).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
    sut.send(fragment('call-1'));
    expect((await poll('?updatedSince=2026-01-01T00:00:00%2B01:00')).status, 'a zone offset is ISO 8601 too').toBe(200);
    expect(sut.received.activeContactPolls.map((request) => request.status)).toEqual([
      401, 401, 400, 400, 400, 400, 400, 200,
    ]);
  });

  it('forgets the contacts on reset()', async () => {
    sut.send(fragment('call-1'));

    sut.reset();

    expect((await contacts()).activeContacts).toEqual([]);
  });
});
