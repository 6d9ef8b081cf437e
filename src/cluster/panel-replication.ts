import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type KV, KvWatchInclude } from '@nats-io/kv';
import { keyDigest } from '../common/key-digest.js';
import type { AppConfig } from '../config/app-config.js';
import { AgentSessions, type SessionChange, type SignedInAgent } from '../panel/agent-sessions.js';
import {
  ActiveContactsOwners,
  CONTACT_OWNERS,
  type ContactOwner,
  type ContactOwners,
} from '../panel/contact-owners.js';
import { PanelHub, type RelayedPanelEvent } from '../panel/panel-hub.js';
import { describeNatsError, type Jet, NatsClient } from './nats-client.js';
import { StreamLease } from './stream-lease.js';

/** A relayed panel event is a few cards; anything much larger is not one of ours. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** As long as a replica remembers a contact's agent (contact-owners.ts). */
const OWNER_TTL_MS = 12 * 60 * 60 * 1000;
/** Owners written to the bucket at once: a first poll may bring thousands. */
const OWNER_WRITES_AT_ONCE = 64;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Agent panels on any replica: the cards the leader's hub publishes go to every replica's hub over one
 * subject per contact (`<name>.panel.<digest>`), with the same event ids, so a panel may connect or
 * reconnect anywhere; and agent sessions are kept in the key-value bucket `<name>-panel-sessions` (keyed
 * by the hash of the cookie, expiring with the session), which every replica watches; and with
 * PANEL_CONTACT_OWNERS=active-contacts, only the leader polls CXone and the contact-to-agent map travels
 * through the bucket `<name>-contact-owners`, watched by every replica.
 */
@Injectable()
export class PanelReplication implements OnApplicationBootstrap {
  private readonly logger = new Logger(PanelReplication.name);
  private readonly sessionTtlMs: number;
  private ownersBucketReady!: (bucket: KV) => void;
  private readonly ownersBucket = new Promise<KV>((resolve) => (this.ownersBucketReady = resolve));

  constructor(
    private readonly nats: NatsClient,
    private readonly hub: PanelHub,
    private readonly sessions: AgentSessions,
    private readonly lease: StreamLease,
    @Inject(CONTACT_OWNERS) private readonly owners: ContactOwners,
    config: ConfigService<AppConfig, true>,
  ) {
    this.sessionTtlMs = config.get('panel', { infer: true }).sessionTtlMs;
    // Before the owners' first poll (their bootstrap), so a standby never polls CXone.
    if (owners instanceof ActiveContactsOwners) {
      owners.shareWith({
        polls: () => this.lease.role === 'leader',
        share: (changed) => this.shareOwners(changed),
      });
    }
  }

  onApplicationBootstrap(): void {
    this.nats.firstConnection().then(
      (jet) => {
        this.relayEvents(jet);
        void this.replicateSessions(jet);
        if (this.owners instanceof ActiveContactsOwners) void this.replicateOwners(jet, this.owners);
      },
      (error: unknown) => this.logger.warn(`Panel replication not started: ${describeNatsError(error)}`),
    );
  }

  private relayEvents({ nc, name }: Jet): void {
    const origin = this.lease.holder;
    this.hub.relayTo((relayed) => {
      const subject = `${name}.panel.${keyDigest(relayed.contactId, 32)}`;
      // Core NATS: a panel on another replica that misses it gets it from the replay of the next one.
      if (this.nats.connected()) nc.publish(subject, encoder.encode(JSON.stringify({ origin, ...relayed })));
    });
    nc.subscribe(`${name}.panel.>`, {
      callback: (error, message) => {
        if (error || message.data.length > MAX_MESSAGE_BYTES) return;
        const relayed = parseRelayed(message.data);
        if (!relayed) return this.logger.warn('Ignored a malformed relayed panel event');
        if (relayed.origin !== origin) this.hub.applyRelayed(relayed);
      },
    });
  }

  private async replicateSessions({ kvm, name }: Jet): Promise<void> {
    try {
      const bucket = await kvm.create(`${name}-panel-sessions`, { history: 1, ttl: this.sessionTtlMs });
      this.sessions.replicateTo(({ key, session }: SessionChange) => {
        const write = session ? bucket.put(key, encoder.encode(JSON.stringify(session))) : bucket.delete(key);
        write.catch((error: unknown) => this.logger.warn(`Session not shared: ${describeNatsError(error)}`));
      });
      const watcher = await bucket.watch({ include: KvWatchInclude.LastValue });
      for await (const entry of watcher) {
        const session = entry.operation === 'PUT' ? parseSession(entry.value) : undefined;
        this.sessions.applyReplicated({ key: entry.key, session });
      }
    } catch (error) {
      if (!this.nats.closingDown) this.logger.warn(`Session sharing stopped: ${describeNatsError(error)}`);
    }
  }

  private async replicateOwners({ kvm, name }: Jet, owners: ActiveContactsOwners): Promise<void> {
    try {
      const bucket = await kvm.create(`${name}-contact-owners`, { history: 1, ttl: OWNER_TTL_MS });
      this.ownersBucketReady(bucket);
      const watcher = await bucket.watch({ include: KvWatchInclude.LastValue });
      for await (const entry of watcher) {
        if (entry.operation !== 'PUT' || entry.value.length > 1024) continue;
        const owner = parseJson(entry.value) as Partial<ContactOwner> | undefined;
        owners.applyShared(owner?.contactId, owner?.agentId);
      }
    } catch (error) {
      if (!this.nats.closingDown) this.logger.warn(`Contact owners sharing stopped: ${describeNatsError(error)}`);
    }
  }

  /** The leader's poll may come before the bucket is open: what it read waits for it. */
  private async shareOwners(changed: readonly ContactOwner[]): Promise<boolean> {
    const bucket = await this.ownersBucket;
    const write = (owner: ContactOwner) =>
      bucket.put(keyDigest(owner.contactId, 32), encoder.encode(JSON.stringify(owner)));
    for (let start = 0; start < changed.length; start += OWNER_WRITES_AT_ONCE) {
      const results = await Promise.allSettled(changed.slice(start, start + OWNER_WRITES_AT_ONCE).map(write));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) {
        this.logger.warn(`Contact owners not shared: ${describeNatsError((failed as PromiseRejectedResult).reason)}`);
        return false;
      }
    }
    return true;
  }
}

function parseJson(value: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(value));
  } catch {
    return undefined;
  }
}

function parseRelayed(data: Uint8Array): (RelayedPanelEvent & { origin: string }) | undefined {
  const { origin, contactId, event } = (parseJson(data) ?? {}) as Partial<RelayedPanelEvent & { origin: string }>;
  if (typeof origin !== 'string' || typeof contactId !== 'string' || !event) return undefined;
  if (typeof event.id !== 'string' || typeof event.data !== 'string') return undefined;
  if (event.type !== 'cards' && event.type !== 'verdict' && event.type !== 'ended') return undefined;
  return { origin, contactId, event: { id: event.id, type: event.type, data: event.data } };
}

function parseSession(value: Uint8Array): SignedInAgent | undefined {
  const { agentId, name, tenantId, expiresAt } = (parseJson(value) ?? {}) as Partial<SignedInAgent>;
  if (typeof agentId !== 'string' || typeof name !== 'string' || typeof tenantId !== 'string') return undefined;
  if (typeof expiresAt !== 'number') return undefined;
  return { agentId, name, tenantId, expiresAt };
}
