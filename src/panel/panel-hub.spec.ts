import { describe, expect, it } from 'vitest';
import type { AssistCard } from '../domain/card.js';
import { type PanelEvent, PanelHub, type PanelSubscriber, REPLAY_EVENTS_PER_CONTACT } from './panel-hub.js';

const card = (id: string, priority = 1): AssistCard => ({
  id,
  title: `Title ${id}`,
  priority,
  score: 0.9,
  citation: `https://kb.example.com/${id}`,
  snippet: 'snippet',
  interactionId: 'c-1',
});

function recorder(options: { slowAfter?: number } = {}) {
  const events: PanelEvent[] = [];
  let closed = false;
  const subscriber: PanelSubscriber = {
    send: (event) => {
      if (options.slowAfter !== undefined && events.length >= options.slowAfter) return false;
      events.push(event);
      return true;
    },
    close: () => {
      closed = true;
    },
  };
  return { subscriber, events, isClosed: () => closed };
}

describe(PanelHub.name, () => {
  it('sends a contact its own cards only, live, with the fields a panel shows', () => {
    const sut = new PanelHub();
    const mine = recorder();
    const other = recorder();
    sut.subscribe('c-1', undefined, mine.subscriber);
    sut.subscribe('c-2', undefined, other.subscriber);

    sut.publishCards('c-1', [card('kb-1'), card('kb-2', 2)]);

    expect(other.events).toEqual([]);
    expect(mine.events).toHaveLength(1);
    expect(mine.events[0]!.type).toBe('cards');
    const data = JSON.parse(mine.events[0]!.data);
    expect(data.contactId).toBe('c-1');
    expect(data.cards.map((c: { id: string }) => c.id)).toEqual(['kb-1', 'kb-2']);
    expect(data.cards[0]).not.toHaveProperty('interactionId');
  });

  it('replays what a reconnecting panel missed after its Last-Event-ID, and everything for an unknown id', () => {
    const sut = new PanelHub();
    const first = recorder();
    const unsubscribe = sut.subscribe('c-1', undefined, first.subscriber);
    sut.publishCards('c-1', [card('kb-1')]);
    unsubscribe();
    sut.publishCards('c-1', [card('kb-2')]);
    sut.publishEnded('c-1');

    const again = recorder();
    sut.subscribe('c-1', first.events[0]!.id, again.subscriber);
    expect(again.events.map((event) => event.type)).toEqual(['cards', 'ended']);
    expect(JSON.parse(again.events[0]!.data).cards[0].id).toBe('kb-2');

    const stranger = recorder();
    sut.subscribe('c-1', 'zzzz-999', stranger.subscriber);
    expect(stranger.events).toHaveLength(3);
  });

  it('keeps a bounded replay log per contact', () => {
    const sut = new PanelHub();
    for (let i = 0; i < REPLAY_EVENTS_PER_CONTACT + 20; i++) sut.publishCards('c-1', [card(`kb-${i}`)]);
    const late = recorder();
    sut.subscribe('c-1', undefined, late.subscriber);
    expect(late.events).toHaveLength(REPLAY_EVENTS_PER_CONTACT);
    expect(JSON.parse(late.events.at(-1)!.data).cards[0].id).toBe(`kb-${REPLAY_EVENTS_PER_CONTACT + 19}`);
  });

  it('drops a panel that cannot keep up, without holding back the others', () => {
    const sut = new PanelHub();
    const slow = recorder({ slowAfter: 1 });
    const fast = recorder();
    sut.subscribe('c-1', undefined, slow.subscriber);
    sut.subscribe('c-1', undefined, fast.subscriber);
    expect(sut.panels).toBe(2);

    sut.publishCards('c-1', [card('kb-1')]);
    sut.publishCards('c-1', [card('kb-2')]);
    sut.publishCards('c-1', [card('kb-3')]);

    expect(slow.isClosed()).toBe(true);
    expect(slow.events).toHaveLength(1);
    expect(fast.events).toHaveLength(3);
    expect(sut.panels).toBe(1);
  });

  it('knows which cards were shown to a contact, so a verdict can only name one of them', () => {
    const sut = new PanelHub();
    sut.publishCards('c-1', [card('kb-1')]);
    expect(sut.hasCard('c-1', 'kb-1')).toBe(true);
    expect(sut.hasCard('c-2', 'kb-1')).toBe(false);
    expect(sut.hasCard('c-1', 'kb-9')).toBe(false);
  });

  it('counts open panels down once per unsubscribe, however often it is called', () => {
    const sut = new PanelHub();
    const unsubscribe = sut.subscribe('c-1', undefined, recorder().subscriber);
    unsubscribe();
    unsubscribe();
    expect(sut.panels).toBe(0);
  });

  it("relays its events to another replica's hub with the same ids, so a panel may reconnect anywhere", () => {
    const leader = new PanelHub();
    const standby = new PanelHub();
    leader.relayTo((relayed) => standby.applyRelayed(relayed));
    const onStandby = recorder();
    standby.subscribe('c-1', undefined, onStandby.subscriber);

    leader.publishCards('c-1', [card('kb-1')]);
    leader.publishCards('c-1', [card('kb-2')]);
    expect(onStandby.events.map((e) => JSON.parse(e.data).cards[0].id)).toEqual(['kb-1', 'kb-2']);
    expect(standby.hasCard('c-1', 'kb-2')).toBe(true); // a verdict on it is accepted there

    const [first] = onStandby.events;
    const resumed = recorder();
    standby.subscribe('c-1', first!.id, resumed.subscriber); // Last-Event-ID from the leader's numbering
    expect(resumed.events.map((e) => e.id)).toEqual([onStandby.events[1]!.id]);
  });
});
