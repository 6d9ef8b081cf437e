import { beforeEach, describe, expect, it } from 'vitest';
import { ActiveContacts, DISCONNECTED_RETENTION_MS } from './active-contacts.js';
import { DEFAULT_AGENTS } from './tenant-agents.js';

const T0 = Date.parse('2026-11-30T22:00:00.000Z');
const fragment = (interactionId: string) => ({ type: 'TRANSCRIPT_FRAGMENT', interactionId, text: 'hello' });
const ended = (interactionId: string) => ({ type: 'INTERACTION_ENDED', interactionId });

describe(ActiveContacts.name, () => {
  let now: number;
  let sut: ActiveContacts;

  beforeEach(() => {
    now = T0;
    sut = new ActiveContacts(DEFAULT_AGENTS, () => now, 3);
  });

  const states = (sinceMs?: number) =>
    sut.poll(sinceMs).contacts.map(({ contactId, agentId, stateName }) => `${contactId}:${agentId}:${stateName}`);

  it("starts a contact of the first agent at an interaction's first event, stamped with that time", () => {
    sut.observe(fragment('c-1'));
    now += 5_000;
    sut.observe({ type: 'DIALOG_STATE', interactionId: 'c-1', state: 'TURN_END' });

    expect(sut.poll().contacts).toEqual([
      {
        contactId: 'c-1',
        masterContactId: 'c-1',
        agentId: '1001',
        stateName: 'Active',
        holdCount: 0,
        lastUpdateTime: '2026-11-30T22:00:00.000Z',
      },
    ]);
  });

  it('ignores verdicts, raw frames and events without an interactionId', () => {
    sut.observe({ type: 'INSIGHT_ACCEPTED', interactionId: 'c-1', insightId: 'kb-1' });
    sut.observe({ type: 'INSIGHT_REJECTED', interactionId: 'c-1', insightId: 'kb-1' });
    sut.observe('{"type":"TRANSCRIPT_FRAGMENT","interactionId":"c-2"}');
    sut.observe({ type: 'TRANSCRIPT_FRAGMENT', text: 'no id' });
    sut.observe(ended('never-started'));

    expect(sut.poll().contacts).toEqual([]);
  });

  it('assigns a contact to another agent, before or after it started, and refuses an unknown agent', () => {
    sut.assign('c-early', '1002');
    sut.observe(fragment('c-early'));
    sut.observe(fragment('c-late'));
    now += 10;
    sut.assign('c-late', '1002');

    expect(states()).toEqual(['c-early:1002:Active', 'c-late:1002:Active']);
    expect(sut.poll().contacts[1]?.lastUpdateTime).toBe(new Date(T0 + 10).toISOString());
    expect(() => sut.assign('c-1', '9999')).toThrow(RangeError);
    expect(() => sut.assign('', '1001')).toThrow(RangeError);
  });

  it('lists only the contacts updated after updatedSince; none when nothing changed', () => {
    sut.observe(fragment('c-1'));
    const first = sut.poll();
    now += 1_000;
    sut.observe(fragment('c-2'));

    expect(states(first.polledAt)).toEqual(['c-2:1001:Active']);
    expect(states(sut.poll().polledAt)).toEqual([]);
  });

  it('never loses an update made in the same millisecond as the poll before it', () => {
    const poll = sut.poll();
    sut.observe(fragment('c-same-ms'));

    expect(states(poll.polledAt)).toEqual(['c-same-ms:1001:Active']);
  });

  it('reports an ended contact as Disconnected once more, then forgets it after a while', () => {
    sut.observe(fragment('c-1'));
    const before = sut.poll().polledAt;
    now += 2_000;
    sut.observe(ended('c-1'));
    sut.observe(ended('c-1'));

    expect(states(before)).toEqual(['c-1:1001:Disconnected']);
    expect(sut.poll(before).contacts[0]?.lastUpdateTime).toBe(new Date(T0 + 2_000).toISOString());
    now += DISCONNECTED_RETENTION_MS;
    expect(states()).toEqual([]);
  });

  it('starts a new contact when an ended interaction id is played again', () => {
    sut.observe(fragment('c-1'));
    sut.assign('c-1', '1002');
    sut.observe(ended('c-1'));
    now += 1;
    sut.observe(fragment('c-1'));

    expect(states()).toEqual(['c-1:1001:Active']);
  });

  it('keeps the most recently updated contacts when over its limit', () => {
    for (const id of ['c-1', 'c-2', 'c-3']) sut.observe(fragment(id));
    sut.assign('c-1', '1002');
    sut.observe(fragment('c-4'));

    expect(states().map((state) => state.split(':')[0])).toEqual(['c-3', 'c-1', 'c-4']);
  });
});
