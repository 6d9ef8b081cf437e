import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { COORDINATION_STORE, type CoordinationStore } from './coordination-store.js';

export type LeaseRole = 'standby' | 'leader';

/** While NATS is unreachable the lease is tried this often, so a leader renews as soon as NATS is back. */
const RETRY_WHILE_FAILING_MS = 250;

/**
 * One consumer of the tenant stream at a time: the replica holding the lease (a JetStream key-value entry
 * that expires CLUSTER_LEASE_TTL_MS after its last renewal). The leader renews every third of the TTL;
 * standbys try to create it as often, and at once when it is released. The lease is trusted locally only
 * until `renewal start + TTL − margin` on the monotonic clock, which keeps running while a process is
 * paused: a leader that wakes after its lease expired knows it at once, before any push.
 */
@Injectable()
export class StreamLease implements OnApplicationShutdown {
  readonly holder = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger(StreamLease.name);
  private readonly roleSubject = new BehaviorSubject<LeaseRole>('standby');
  private readonly ttlMs: number;
  private readonly periodMs: number;
  private readonly marginMs: number;
  private revision?: number;
  private token?: number;
  private heldSince?: number;
  /** performance.now() until which the lease is ours; pushes check it. */
  private validUntil = 0;
  private timer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private released?: Subscription;
  private ticking = false;
  private running = false;
  private release?: Promise<void>;
  private failing = false;

  constructor(
    @Inject(COORDINATION_STORE) private readonly store: CoordinationStore,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.ttlMs = config.get('cluster', { infer: true }).leaseTtlMs;
    this.periodMs = Math.floor(this.ttlMs / 3);
    this.marginMs = Math.floor(this.ttlMs / 6);
  }

  get role$(): Observable<LeaseRole> {
    return this.roleSubject.asObservable();
  }

  get role(): LeaseRole {
    return this.roleSubject.value;
  }

  /** The fencing token (the lease's revision when it was taken) while the lease is valid; else undefined. */
  fence(): number | undefined {
    return performance.now() < this.validUntil ? this.token : undefined;
  }

  /** Seconds since this replica took the lease; 0 as a standby. */
  heldForSeconds(): number {
    return this.role === 'leader' && this.heldSince !== undefined ? (Date.now() - this.heldSince) / 1000 : 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.released = this.store.leaseReleased$.subscribe(() => {
      if (this.role === 'standby') void this.tick();
    });
    void this.tick();
  }

  /**
   * Shutdown: stop campaigning and hand the lease over at once. Work already in hand may still push
   * until the last renewal's validity ends; the card claims keep it from doubling the successor's.
   */
  stop(): Promise<void> {
    if (!this.running) return this.release ?? Promise.resolve();
    this.running = false;
    this.released?.unsubscribe();
    clearTimeout(this.timer);
    clearTimeout(this.watchdog);
    const revision = this.role === 'leader' ? this.revision : undefined;
    if (this.role === 'leader') this.roleSubject.next('standby');
    this.release =
      revision === undefined
        ? Promise.resolve()
        : this.store.releaseLease(revision).then(
            () => this.logger.log('Stream lease handed over'),
            (error: Error) => this.logger.warn(`Stream lease not released (it expires instead): ${error.message}`),
          );
    return this.release;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
    this.roleSubject.complete();
  }

  private async tick(): Promise<void> {
    if (!this.running || this.ticking) return;
    this.ticking = true;
    const startedAt = performance.now();
    try {
      if (this.role === 'leader') await this.renew(startedAt);
      else await this.campaign(startedAt);
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`Stream lease unreachable: ${(error as Error).message}`);
      this.failing = true;
      this.counters.count('cluster_lease_failures');
    } finally {
      this.ticking = false;
      const next = this.failing ? Math.min(this.periodMs, RETRY_WHILE_FAILING_MS) : this.periodMs;
      if (this.running) this.timer = setTimeout(() => void this.tick(), next);
    }
  }

  private async campaign(startedAt: number): Promise<void> {
    const revision = await this.store.createLease(this.holder);
    if (revision === undefined || !this.running) return;
    this.revision = revision;
    this.token = revision;
    this.heldSince = Date.now();
    this.trustUntil(startedAt);
    this.counters.count('cluster_takeovers');
    this.logger.log(`Took the stream lease (fencing token ${revision})`);
    this.roleSubject.next('leader');
  }

  private async renew(startedAt: number): Promise<void> {
    const revision = await this.store.renewLease(this.holder, this.revision!);
    if (this.role !== 'leader') return;
    if (revision === undefined) return this.lose('another replica holds it now');
    this.revision = revision;
    this.trustUntil(startedAt);
  }

  private trustUntil(startedAt: number): void {
    this.validUntil = startedAt + this.ttlMs - this.marginMs;
    clearTimeout(this.watchdog);
    // Renewals that hang or fail: the lease is given up locally the moment it can no longer be trusted.
    this.watchdog = setTimeout(
      () => this.lose('not renewed in time'),
      Math.max(0, this.validUntil - performance.now()),
    );
  }

  private lose(why: string): void {
    if (this.role !== 'leader') return;
    clearTimeout(this.watchdog);
    this.validUntil = 0;
    this.token = undefined;
    this.revision = undefined;
    this.heldSince = undefined;
    this.counters.count('cluster_leases_lost');
    this.logger.warn(`Lost the stream lease (${why}): standing by`);
    this.roleSubject.next('standby');
  }
}
