import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type KV, KvWatchInclude } from '@nats-io/kv';
import { Subject } from 'rxjs';
import { onceSucceeded } from '../common/once-succeeded.js';
import type { AppConfig } from '../config/app-config.js';
import { ClusterErrorCode, ClusterException } from './cluster.exception.js';
import type { CoordinationStore } from './coordination-store.js';
import { describeNatsError, isRevisionConflict, NatsClient } from './nats-client.js';

const LEASE_KEY = 'stream';
/** A card is claimed for longer than any call lasts. */
const CLAIM_TTL_MS = 12 * 60 * 60 * 1000;
const encoder = new TextEncoder();

/**
 * The CoordinationStore on JetStream key-value buckets `<CLUSTER_NAME>-lease` (history 1, TTL of the lease)
 * and `<CLUSTER_NAME>-card-claims`.
 */
@Injectable()
export class NatsCoordinationStore implements CoordinationStore, OnApplicationShutdown {
  private readonly logger = new Logger(NatsCoordinationStore.name);
  private readonly released = new Subject<void>();

  readonly leaseReleased$ = this.released.asObservable();

  private readonly leaseTtlMs: number;
  /** The buckets, created on first use once NATS is reachable (a failed attempt is tried again next time). */
  private readonly buckets = onceSucceeded(async () => {
    const { kvm, name } = await this.nats.ready();
    const lease = await kvm.create(`${name}-lease`, { history: 1, ttl: this.leaseTtlMs });
    const claims = await kvm.create(`${name}-card-claims`, { history: 1, ttl: CLAIM_TTL_MS });
    void this.watchReleases(lease);
    return { lease, claims };
  });

  constructor(
    private readonly nats: NatsClient,
    config: ConfigService<AppConfig, true>,
  ) {
    this.leaseTtlMs = config.get('cluster', { infer: true }).leaseTtlMs;
  }

  onApplicationShutdown(): void {
    this.released.complete();
  }

  connected(): boolean {
    return this.nats.connected();
  }

  async createLease(holder: string): Promise<number | undefined> {
    const { lease } = await this.open();
    return this.conditional(() => lease.create(LEASE_KEY, encoder.encode(holder)));
  }

  async renewLease(holder: string, revision: number): Promise<number | undefined> {
    const { lease } = await this.open();
    return this.conditional(() => lease.update(LEASE_KEY, encoder.encode(holder), revision));
  }

  async releaseLease(revision: number): Promise<void> {
    const { lease } = await this.open();
    await this.conditional(() => lease.delete(LEASE_KEY, { previousSeq: revision }).then(() => revision));
  }

  async claim(key: string, fencingToken: number, question?: readonly string[]): Promise<boolean> {
    const { claims } = await this.open();
    const value = encoder.encode(JSON.stringify({ token: fencingToken, question }));
    return (await this.conditional(() => claims.create(key, value))) !== undefined;
  }

  async claimedQuestion(key: string, maxAgeMs: number): Promise<readonly string[] | undefined> {
    const { claims } = await this.open();
    let entry;
    try {
      entry = await claims.get(key);
    } catch (error) {
      throw new ClusterException(ClusterErrorCode.StoreFailed, describeNatsError(error));
    }
    if (!entry || entry.operation !== 'PUT' || Date.now() - entry.created.getTime() > maxAgeMs) return undefined;
    return parseClaimedQuestion(entry.value);
  }

  private async open(): Promise<{ lease: KV; claims: KV }> {
    try {
      return await this.buckets();
    } catch (error) {
      throw new ClusterException(ClusterErrorCode.StoreFailed, describeNatsError(error));
    }
  }

  /** A write that lost its race answers undefined; any other failure is a StoreFailed. */
  private async conditional(write: () => Promise<number>): Promise<number | undefined> {
    try {
      return await this.nats.track(write());
    } catch (error) {
      if (isRevisionConflict(error)) return undefined;
      throw new ClusterException(ClusterErrorCode.StoreFailed, describeNatsError(error));
    }
  }

  private async watchReleases(lease: KV): Promise<void> {
    try {
      const watcher = await lease.watch({ key: LEASE_KEY, include: KvWatchInclude.UpdatesOnly });
      for await (const entry of watcher) {
        if (entry.operation === 'DEL' || entry.operation === 'PURGE') this.released.next();
      }
    } catch (error) {
      // The standbys' polling still finds a released lease within a third of its TTL.
      if (!this.nats.closingDown) this.logger.warn(`Lease watch ended: ${describeNatsError(error)}`);
    }
  }
}

/** A claim's value is ours, but it is read back from the network: checked, and at most 4 KB parsed. */
function parseClaimedQuestion(value: Uint8Array): readonly string[] | undefined {
  if (value.length > 4096) return undefined;
  try {
    const { question } = JSON.parse(new TextDecoder().decode(value)) as { question?: unknown };
    return Array.isArray(question) && question.every((term) => typeof term === 'string') ? question : undefined;
  } catch {
    return undefined;
  }
}
