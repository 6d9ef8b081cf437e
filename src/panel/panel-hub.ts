import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AssistCard } from '../domain/card.js';

export type PanelEventType = 'cards' | 'verdict' | 'ended';

/** One message to a contact's panels; `data` is serialised once, whatever the number of panels. */
export interface PanelEvent {
  id: string;
  type: PanelEventType;
  data: string;
}

/** An open panel: `send` returns false when the panel cannot keep up (it is then dropped). */
export interface PanelSubscriber {
  send(event: PanelEvent): boolean;
  close(): void;
}

export interface CardView {
  id: string;
  title: string;
  priority: number;
  score: number;
  snippet: string;
  citation: string;
}

/** Events kept per contact for panels that reconnect (Last-Event-ID): a blip never loses a card. */
export const REPLAY_EVENTS_PER_CONTACT = 50;
/** Contacts remembered at most; the least recently active go first. */
const MAX_CONTACTS = 20_000;
/** A contact with no news for this long is forgotten (ended calls included: late verdicts come within it). */
const CONTACT_IDLE_MS = 2 * 60 * 60 * 1000;
const MAX_CARD_IDS_PER_CONTACT = 500;

/** A hub's event as the other replicas' hubs receive it (cluster mode). */
export interface RelayedPanelEvent {
  contactId: string;
  event: PanelEvent;
}

interface ContactLog {
  events: PanelEvent[];
  /** Cards pushed to this contact: a verdict may only name one of them. */
  cardIds: Set<string>;
  subscribers: Set<PanelSubscriber>;
}

/**
 * The cards of each contact, for the panels open on it: live fan-out plus a short replay log. Event ids
 * carry this process's epoch, so an id from before a restart replays the whole (new) log instead of
 * skipping it.
 */
@Injectable()
export class PanelHub {
  private readonly epoch = Date.now().toString(36);
  private sequence = 0;
  private openPanels = 0;
  private relay?: (relayed: RelayedPanelEvent) => void;
  private readonly contacts = new LRUCache<string, ContactLog>({
    max: MAX_CONTACTS,
    ttl: CONTACT_IDLE_MS,
    updateAgeOnGet: false,
    dispose: (log, _contactId, reason) => {
      // Evicted or expired under open panels: close them rather than leave them deaf.
      if (reason !== 'set') for (const subscriber of log.subscribers) subscriber.close();
    },
  });

  get panels(): number {
    return this.openPanels;
  }

  get contactsKnown(): number {
    return this.contacts.size;
  }

  /** Cluster mode: every event this hub makes is handed to `relay` too, for the other replicas' hubs. */
  relayTo(relay: (relayed: RelayedPanelEvent) => void): void {
    this.relay = relay;
  }

  /** An event another replica's hub made: kept and sent to the panels here as if made here, same id. */
  applyRelayed({ contactId, event }: RelayedPanelEvent): void {
    const log = event.type === 'ended' ? this.contacts.get(contactId) : this.logOf(contactId);
    if (!log) return;
    if (event.type === 'cards') for (const id of cardIdsIn(event.data)) this.rememberCard(log, id);
    this.deliver(contactId, log, event);
  }

  publishCards(contactId: string, cards: readonly AssistCard[]): void {
    const log = this.logOf(contactId);
    for (const card of cards) this.rememberCard(log, card.id);
    const view: CardView[] = cards.map(({ id, title, priority, score, snippet, citation }) => ({
      id,
      title,
      priority,
      score,
      snippet,
      citation,
    }));
    this.publish(contactId, log, 'cards', { contactId, at: new Date().toISOString(), cards: view });
  }

  publishVerdict(contactId: string, insightId: string, verdict: 'ACCEPTED' | 'REJECTED'): void {
    this.publish(contactId, this.logOf(contactId), 'verdict', { contactId, insightId, verdict });
  }

  publishEnded(contactId: string): void {
    const log = this.contacts.get(contactId);
    if (log) this.publish(contactId, log, 'ended', { contactId });
  }

  hasCard(contactId: string, insightId: string): boolean {
    return this.contacts.get(contactId)?.cardIds.has(insightId) ?? false;
  }

  /**
   * Replays what the panel missed after `lastEventId` (everything kept when the id is unknown or from
   * another process), then sends what comes. Returns the unsubscribe.
   */
  subscribe(contactId: string, lastEventId: string | undefined, subscriber: PanelSubscriber): () => void {
    const log = this.logOf(contactId);
    for (const event of this.missed(log, lastEventId)) {
      if (!subscriber.send(event)) {
        subscriber.close();
        return () => undefined;
      }
    }
    log.subscribers.add(subscriber);
    this.openPanels++;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      if (log.subscribers.delete(subscriber)) this.openPanels--;
    };
  }

  private missed(log: ContactLog, lastEventId: string | undefined): PanelEvent[] {
    if (!lastEventId) return log.events;
    const index = log.events.findIndex((event) => event.id === lastEventId);
    if (index >= 0) return log.events.slice(index + 1);
    // A known epoch but an id no longer kept: the panel was away longer than the log; send all there is.
    return log.events;
  }

  private publish(contactId: string, log: ContactLog, type: PanelEventType, payload: object): void {
    const event: PanelEvent = { id: `${this.epoch}-${++this.sequence}`, type, data: JSON.stringify(payload) };
    this.deliver(contactId, log, event);
    this.relay?.({ contactId, event });
  }

  private rememberCard(log: ContactLog, cardId: string): void {
    if (log.cardIds.size >= MAX_CARD_IDS_PER_CONTACT) log.cardIds.delete(log.cardIds.values().next().value!);
    log.cardIds.add(cardId);
  }

  private deliver(contactId: string, log: ContactLog, event: PanelEvent): void {
    log.events.push(event);
    if (log.events.length > REPLAY_EVENTS_PER_CONTACT) log.events.shift();
    for (const subscriber of log.subscribers) {
      if (!subscriber.send(event)) {
        // A slow or dead panel is dropped; the others are not held back by it.
        if (log.subscribers.delete(subscriber)) this.openPanels--;
        subscriber.close();
      }
    }
    this.contacts.set(contactId, log);
  }

  private logOf(contactId: string): ContactLog {
    let log = this.contacts.get(contactId);
    if (!log) {
      log = { events: [], cardIds: new Set(), subscribers: new Set() };
      this.contacts.set(contactId, log);
    }
    return log;
  }
}

function cardIdsIn(data: string): string[] {
  try {
    const { cards } = JSON.parse(data) as { cards?: unknown };
    if (!Array.isArray(cards)) return [];
    return cards.flatMap((card: { id?: unknown }) => (typeof card?.id === 'string' ? [card.id] : []));
  } catch {
    return [];
  }
}
