import type { ActiveContact, TenantAgent } from './simulator-types.js';

/** Contacts kept at most; beyond this the least recently updated are dropped. */
export const MAX_CONTACTS = 10_000;
/** How long an ended contact is still listed as Disconnected, so every poller sees the end once. */
export const DISCONNECTED_RETENTION_MS = 60_000;

/** Stream events that are the agent's clicks, not the call: they never start a contact. */
const VERDICTS = new Set(['INSIGHT_ACCEPTED', 'INSIGHT_REJECTED']);

interface Contact {
  agentId: string;
  stateName: ActiveContact['stateName'];
  updatedAt: number;
}

export interface ContactPoll {
  /** Epoch ms; not before any update it lists, and every later update is stamped after it. */
  polledAt: number;
  contacts: ActiveContact[];
}

/**
 * The tenant's contacts as the Real-Time Data API serves them: every interaction the stream carries is a
 * contact, of the first agent unless assigned, Disconnected for a while once INTERACTION_ENDED was sent.
 */
export class ActiveContacts {
  private readonly contacts = new Map<string, Contact>();
  private lastPollAt = 0;
  private lastUpdateAt = 0;

  constructor(
    private readonly agents: readonly TenantAgent[],
    private readonly now: () => number = Date.now,
    private readonly limit = MAX_CONTACTS,
  ) {}

  /** Follows a stream event: the first of an interaction starts its contact, INTERACTION_ENDED disconnects it. */
  observe(event: object | string): void {
    if (typeof event === 'string') return;
    const { type, interactionId } = event as Record<string, unknown>;
    if (typeof interactionId !== 'string' || interactionId === '' || VERDICTS.has(type as string)) return;
    const contact = this.contacts.get(interactionId);
    if (type === 'INTERACTION_ENDED') {
      if (contact?.stateName === 'Active') this.put(interactionId, { ...contact, stateName: 'Disconnected' });
    } else if (contact?.stateName !== 'Active') {
      this.put(interactionId, { agentId: this.agents[0]!.agentId, stateName: 'Active' });
    }
  }

  /** The contact belongs to the agent from now on; one not started yet starts now (the ACD routed it). */
  assign(contactId: string, agentId: string): void {
    if (!contactId) throw new RangeError('contactId must not be empty');
    if (!this.agents.some((agent) => agent.agentId === agentId)) {
      throw new RangeError(`agentId ${agentId} is none of ${this.agents.map((agent) => agent.agentId).join(', ')}`);
    }
    this.put(contactId, { stateName: 'Active', ...this.contacts.get(contactId), agentId });
  }

  /** The contacts updated after `sinceMs` (all when undefined), oldest update first. */
  poll(sinceMs?: number): ContactPoll {
    this.forgetEnded();
    const polledAt = Math.max(this.now(), this.lastUpdateAt, this.lastPollAt);
    this.lastPollAt = polledAt;
    const contacts: ActiveContact[] = [];
    for (const [contactId, contact] of this.contacts) {
      if (sinceMs === undefined || contact.updatedAt > sinceMs) contacts.push(listed(contactId, contact));
    }
    return { polledAt, contacts };
  }

  clear(): void {
    this.contacts.clear();
  }

  private put(contactId: string, contact: Omit<Contact, 'updatedAt'>): void {
    // Strictly after the last poll, so a poller asking for updatedSince=lastPollTime never misses it.
    const updatedAt = Math.max(this.now(), this.lastPollAt + 1);
    this.lastUpdateAt = Math.max(this.lastUpdateAt, updatedAt);
    this.contacts.delete(contactId);
    this.contacts.set(contactId, { ...contact, updatedAt });
    if (this.contacts.size > this.limit) this.contacts.delete(this.contacts.keys().next().value!);
  }

  private forgetEnded(): void {
    const cutoff = this.now() - DISCONNECTED_RETENTION_MS;
    for (const [contactId, contact] of this.contacts) {
      if (contact.stateName === 'Disconnected' && contact.updatedAt <= cutoff) this.contacts.delete(contactId);
    }
  }
}

function listed(contactId: string, contact: Contact): ActiveContact {
  return {
    contactId,
    masterContactId: contactId,
    agentId: contact.agentId,
    stateName: contact.stateName,
    holdCount: 0,
    lastUpdateTime: new Date(contact.updatedAt).toISOString(),
  };
}
