import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { firstValueFrom } from 'rxjs';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { CxoneApiClient } from '../cxone-api/cxone-api.client.js';
import { boundedLru } from '../common/bounded-lru.js';

/** allowed: the agent's contact; refused: another agent's; unknown: not (yet) known to be anyone's. */
export type ContactAccess = 'allowed' | 'refused' | 'unknown';

/** Which agent handles which contact. */
export interface ContactOwners {
  access(agentId: string, contactId: string): ContactAccess;
}

export const CONTACT_OWNERS = Symbol('CONTACT_OWNERS');

/** A contact id as CXone and the stream write it; anything else is refused before any lookup. */
export const CONTACT_ID = /^[\w.:-]{1,128}$/;

/**
 * PANEL_CONTACT_OWNERS=any-agent: every signed-in agent of the tenant may open any contact. For the
 * tutorial's stream, which says nothing about agents; the README says what that gives away.
 */
@Injectable()
export class AnyAgentOwners implements ContactOwners {
  access(): ContactAccess {
    return 'allowed';
  }
}

/**
 * Cluster mode: one replica polls CXone (`polls()`, the leader) and shares what changed; every replica
 * takes in what was shared (`applyShared`), so the map is one for all and CXone is polled once.
 */
export interface OwnersSharing {
  polls(): boolean;
  /** Resolves false when not all were shared: the next poll then reads and shares every contact. */
  share(changed: readonly ContactOwner[]): Promise<boolean>;
}

export interface ContactOwner {
  contactId: string;
  agentId: string;
}

const MAX_CONTACTS = 100_000;
/** An agent may still judge the cards of a contact that ended this long ago. */
const OWNER_MEMORY_MS = 12 * 60 * 60 * 1000;
/** One poll reads this many contacts at most; a bigger reply is cut (and the next poll goes on from it). */
const MAX_CONTACTS_PER_POLL = 20_000;

/**
 * PANEL_CONTACT_OWNERS=active-contacts: CXone's real-time data API, polled with `updatedSince`
 * (`GET {api}/inContactAPI/services/v{N}/contacts/active`), says which agent handles each contact.
 */
@Injectable()
export class ActiveContactsOwners implements ContactOwners, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ActiveContactsOwners.name);
  private readonly owners = boundedLru<string, string>(MAX_CONTACTS, { ttl: OWNER_MEMORY_MS });
  private readonly panel: AppConfig['panel'];
  private updatedSince?: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failures = 0;
  private sharing?: OwnersSharing;
  private shareAll = false;

  constructor(
    private readonly api: CxoneApiClient,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.panel = config.get('panel', { infer: true });
  }

  access(agentId: string, contactId: string): ContactAccess {
    const owner = this.owners.get(contactId);
    if (owner === undefined) return 'unknown';
    return owner === agentId ? 'allowed' : 'refused';
  }

  get contactsKnown(): number {
    return this.owners.size;
  }

  shareWith(sharing: OwnersSharing): void {
    this.sharing = sharing;
  }

  /** An owner another replica read from CXone; ids are checked as if read here. */
  applyShared(contactId: unknown, agentId: unknown): void {
    const contact = idOf(contactId);
    const agent = idOf(agentId);
    if (contact !== undefined && agent !== undefined) this.owners.set(contact, agent);
  }

  onApplicationBootstrap(): void {
    void this.pollNow();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One poll, then the next one PANEL_CONTACTS_POLL_MS later, whatever the outcome. */
  async pollNow(): Promise<void> {
    clearTimeout(this.timer);
    if (this.sharing && !this.sharing.polls()) return this.scheduleNext();
    try {
      const reply = await firstValueFrom(
        this.api.call<unknown>({
          operation: 'active-contacts',
          method: 'GET',
          path: `/inContactAPI/services/v${this.panel.acdApiVersion}/contacts/active`,
          params: this.updatedSince ? { updatedSince: this.updatedSince } : {},
          scope: 'RealTimeApi',
          maxAttempts: 1,
          notModifiedIsAnswer: true,
        }),
        { defaultValue: undefined },
      );
      if (reply !== undefined) this.read(reply);
      if (this.failures > 0) this.logger.log(`Active contacts read again after ${this.failures} failed poll(s)`);
      this.failures = 0;
    } catch (error) {
      // The API client has counted and logged the refusal; the panel keeps the owners it knows.
      if (this.failures++ === 0) {
        this.logger.warn(`Active contacts unavailable (${(error as Error).message}); panels keep the owners known`);
      }
    }
    this.scheduleNext();
  }

  private reshare(): void {
    this.shareAll = true;
    this.updatedSince = undefined;
  }

  private scheduleNext(): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.pollNow(), this.panel.contactsPollMs);
  }

  private read(reply: unknown): void {
    const body = typeof reply === 'object' && reply !== null ? (reply as Record<string, unknown>) : {};
    const contacts = Array.isArray(body.activeContacts) ? body.activeContacts : [];
    let read = 0;
    const changed: ContactOwner[] = [];
    for (const contact of contacts.slice(0, MAX_CONTACTS_PER_POLL)) {
      const entry = typeof contact === 'object' && contact !== null ? (contact as Record<string, unknown>) : {};
      const contactId = idOf(entry.contactId);
      const agentId = idOf(entry.agentId);
      if (contactId === undefined || agentId === undefined) continue;
      if (this.shareAll || this.owners.get(contactId) !== agentId) changed.push({ contactId, agentId });
      this.owners.set(contactId, agentId);
      read++;
    }
    this.counters.count('panel_contact_owners_read', read);
    this.shareAll = false;
    if (changed.length > 0 && this.sharing) void this.sharing.share(changed).then((shared) => shared || this.reshare());
    const pollTime = body.lastPollTime;
    if (typeof pollTime === 'string' && pollTime.length <= 40 && !Number.isNaN(Date.parse(pollTime))) {
      this.updatedSince = pollTime;
    }
  }
}

function idOf(value: unknown): string | undefined {
  const id = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof id === 'string' && CONTACT_ID.test(id) ? id : undefined;
}
