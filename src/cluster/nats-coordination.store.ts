import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { jetstream } from '@nats-io/jetstream';
import { type KV, Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Subject } from 'rxjs';
import type { AppConfig } from '../config/app-config.js';
import type { ClusterConfig } from '../config/cluster-config.js';
import { ClusterErrorCode, ClusterException } from './cluster.exception.js';
import type { CoordinationStore } from './coordination-store.js';

const LEASE_KEY = 'stream';
/** A card is claimed for longer than any call lasts. */
const CLAIM_TTL_MS = 12 * 60 * 60 * 1000;
/** JetStream requests of the lease must answer well within a renewal period. */
const MAX_REQUEST_MS = 2000;
const encoder = new TextEncoder();

/**
 * The CoordinationStore on NATS JetStream key-value buckets `<CLUSTER_NAME>-lease` (history 1, TTL of the
 * lease) and `<CLUSTER_NAME>-card-claims`. Connects in the background and keeps reconnecting for ever: a
 * replica without NATS is up but not ready, and never pushes.
 */
@Injectable()
export class NatsCoordinationStore implements CoordinationStore, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(NatsCoordinationStore.name);
  private readonly settings: ClusterConfig;
  private readonly released = new Subject<void>();
  private connection?: NatsConnection;
  private buckets?: Promise<{ lease: KV; claims: KV }>;
  private isConnected = false;
  private closing = false;
  /** Writes under way: shutdown lets them finish (the lease hand-over is one) before closing. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(config: ConfigService<AppConfig, true>) {
    this.settings = config.get('cluster', { infer: true });
  }

  readonly leaseReleased$ = this.released.asObservable();

  onModuleInit(): void {
    this.buckets = this.open();
    // Never an unhandled rejection: every caller awaits the same promise and turns its failure into its own.
    this.buckets.catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.released.complete();
    await Promise.allSettled([...this.inFlight]);
    await this.connection?.drain().catch(() => undefined);
  }

  connected(): boolean {
    return this.isConnected;
  }

  async createLease(holder: string): Promise<number | undefined> {
    const { lease } = await this.ready();
    return this.conditional(() => lease.create(LEASE_KEY, encoder.encode(holder)));
  }

  async renewLease(holder: string, revision: number): Promise<number | undefined> {
    const { lease } = await this.ready();
    return this.conditional(() => lease.update(LEASE_KEY, encoder.encode(holder), revision));
  }

  async releaseLease(revision: number): Promise<void> {
    const { lease } = await this.ready();
    await this.conditional(() => lease.delete(LEASE_KEY, { previousSeq: revision }).then(() => revision));
  }

  async claim(key: string, fencingToken: number): Promise<boolean> {
    const { claims } = await this.ready();
    return (await this.conditional(() => claims.create(key, encoder.encode(String(fencingToken))))) !== undefined;
  }

  private async ready(): Promise<{ lease: KV; claims: KV }> {
    if (!this.buckets || !this.isConnected) {
      throw new ClusterException(ClusterErrorCode.StoreFailed, 'not connected to NATS');
    }
    return this.buckets;
  }

  /** A write that lost its race answers undefined; any other failure is a StoreFailed. */
  private async conditional(write: () => Promise<number>): Promise<number | undefined> {
    const pending = write();
    this.inFlight.add(pending);
    try {
      return await pending;
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw new ClusterException(ClusterErrorCode.StoreFailed, describe(error));
    } finally {
      this.inFlight.delete(pending);
    }
  }

  private async open(): Promise<{ lease: KV; claims: KV }> {
    const connection = await connect({
      servers: this.settings.servers,
      name: `agent-assist ${hostname()}`,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: MAX_REQUEST_MS,
    });
    this.connection = connection;
    this.isConnected = true;
    void this.followStatus(connection);
    const kvm = new Kvm(jetstream(connection, { timeout: MAX_REQUEST_MS }));
    const name = this.settings.name;
    const lease = await kvm.create(`${name}-lease`, { history: 1, ttl: this.settings.leaseTtlMs });
    const claims = await kvm.create(`${name}-card-claims`, { history: 1, ttl: CLAIM_TTL_MS });
    void this.watchReleases(lease);
    this.logger.log(`Connected to NATS (${this.settings.servers.length} server(s)); cluster "${name}"`);
    return { lease, claims };
  }

  private async followStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.isConnected = false;
        if (!this.closing) this.logger.warn('Lost the connection to NATS: not ready, reconnecting');
      } else if (status.type === 'reconnect') {
        this.isConnected = true;
        this.logger.log('Reconnected to NATS');
      }
    }
    this.isConnected = false;
  }

  private async watchReleases(lease: KV): Promise<void> {
    try {
      const watcher = await lease.watch({ key: LEASE_KEY, include: KvWatchInclude.UpdatesOnly });
      for await (const entry of watcher) {
        if (entry.operation === 'DEL' || entry.operation === 'PURGE') this.released.next();
      }
    } catch (error) {
      // The standbys' polling still finds a released lease within a third of its TTL.
      if (!this.closing) this.logger.warn(`Lease watch ended: ${describe(error)}`);
    }
  }
}

function isConflict(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 10071 || code === 10164 || (typeof message === 'string' && /wrong last sequence/i.test(message));
}

/** NATS errors name the operation, never the server URL (which may carry credentials). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\b(nats|tls|wss?):\/\/\S+/gi, '$1://…');
}
