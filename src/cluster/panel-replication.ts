import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { KvWatchInclude } from '@nats-io/kv';
import { keyDigest } from '../common/key-digest.js';
import type { AppConfig } from '../config/app-config.js';
import { AgentSessions, type SessionChange, type SignedInAgent } from '../panel/agent-sessions.js';
import { PanelHub, type RelayedPanelEvent } from '../panel/panel-hub.js';
import { describeNatsError, type Jet, NatsClient } from './nats-client.js';
import { StreamLease } from './stream-lease.js';

/** A relayed panel event is a few cards; anything much larger is not one of ours. */
const MAX_MESSAGE_BYTES = 256 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Agent panels on any replica: the cards the leader's hub publishes go to every replica's hub over one
 * subject per contact (`<name>.panel.<digest>`), with the same event ids, so a panel may connect or
 * reconnect anywhere; and agent sessions are kept in the key-value bucket `<name>-panel-sessions` (keyed
 * by the hash of the cookie, expiring with the session), which every replica watches.
 */
@Injectable()
export class PanelReplication implements OnApplicationBootstrap {
  private readonly logger = new Logger(PanelReplication.name);
  private readonly sessionTtlMs: number;

  constructor(
    private readonly nats: NatsClient,
    private readonly hub: PanelHub,
    private readonly sessions: AgentSessions,
    private readonly lease: StreamLease,
    config: ConfigService<AppConfig, true>,
  ) {
    this.sessionTtlMs = config.get('panel', { infer: true }).sessionTtlMs;
  }

  onApplicationBootstrap(): void {
    this.nats.firstConnection().then(
      (jet) => {
        this.relayEvents(jet);
        void this.replicateSessions(jet);
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
}

function parseRelayed(data: Uint8Array): (RelayedPanelEvent & { origin: string }) | undefined {
  try {
    const parsed = JSON.parse(decoder.decode(data)) as Partial<RelayedPanelEvent & { origin: string }>;
    const { origin, contactId, event } = parsed;
    if (typeof origin !== 'string' || typeof contactId !== 'string' || !event) return undefined;
    if (typeof event.id !== 'string' || typeof event.data !== 'string') return undefined;
    if (event.type !== 'cards' && event.type !== 'verdict' && event.type !== 'ended') return undefined;
    return { origin, contactId, event: { id: event.id, type: event.type, data: event.data } };
  } catch {
    return undefined;
  }
}

function parseSession(value: Uint8Array): SignedInAgent | undefined {
  try {
    const session = JSON.parse(decoder.decode(value)) as Partial<SignedInAgent>;
    const { agentId, name, tenantId, expiresAt } = session;
    if (typeof agentId !== 'string' || typeof name !== 'string' || typeof tenantId !== 'string') return undefined;
    if (typeof expiresAt !== 'number') return undefined;
    return { agentId, name, tenantId, expiresAt };
  } catch {
    return undefined;
  }
}
