import type { ConfigService } from '@nestjs/config';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { CoordinationStore } from './coordination-store.js';
import { type LeaseRole, StreamLease } from './stream-lease.js';

const TTL_MS = 3000;
const config = { get: () => ({ leaseTtlMs: TTL_MS }) } as unknown as ConfigService<AppConfig, true>;

/** A key-value lease as JetStream keeps it: revisions increase, the entry expires TTL after its last write. */
class FakeLeaseStore implements CoordinationStore {
  readonly leaseReleased$ = new Subject<void>();
  up = true;
  private sequence = 0;
  private entry?: { holder: string; revision: number; writtenAt: number };

  private current() {
    if (this.entry && Date.now() - this.entry.writtenAt >= TTL_MS) this.entry = undefined;
    return this.entry;
  }
  private reachable() {
    if (!this.up) return Promise.reject(new Error('not connected to NATS'));
    return Promise.resolve();
  }
  async createLease(holder: string) {
    await this.reachable();
    if (this.current()) return undefined;
    this.entry = { holder, revision: ++this.sequence, writtenAt: Date.now() };
    return this.entry.revision;
  }
  async renewLease(holder: string, revision: number) {
    await this.reachable();
    if (this.current()?.revision !== revision) return undefined;
    this.entry = { holder, revision: ++this.sequence, writtenAt: Date.now() };
    return this.entry.revision;
  }
  async releaseLease(revision: number) {
    await this.reachable();
    if (this.current()?.revision !== revision) return;
    this.entry = undefined;
    this.leaseReleased$.next();
  }
  claim = () => Promise.resolve(true);
  claimedQuestion = () => Promise.resolve(undefined);
  connected = () => this.up;
}

describe(StreamLease.name, () => {
  let store: FakeLeaseStore;
  let counters: Counters;
  let sut: StreamLease;
  let other: StreamLease;
  const roles = (lease: StreamLease) => {
    const seen: LeaseRole[] = [];
    lease.role$.subscribe((role) => seen.push(role));
    return seen;
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    store = new FakeLeaseStore();
    counters = new Counters();
    sut = new StreamLease(store, counters, config);
    other = new StreamLease(store, new Counters(), config);
  });
  afterEach(async () => {
    await sut.stop();
    await other.stop();
    vi.useRealTimers();
  });

  it('lets one replica lead while the other stands by, and keeps the lease renewed', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(0);
    other.start();
    await vi.advanceTimersByTimeAsync(10 * TTL_MS);

    expect(sut.role).toBe('leader');
    expect(other.role).toBe('standby');
    expect(sut.fence()).toBe(1); // the revision it took the lease with, however often it renewed
    expect(other.fence()).toBeUndefined();
    expect(counters.get('cluster_takeovers')).toBe(1);
  });

  it('is taken over within TTL + a third of it when the leader dies without a word', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(0);
    other.start();
    await vi.advanceTimersByTimeAsync(TTL_MS);
    vi.spyOn(store, 'renewLease').mockImplementation(() => new Promise(() => undefined)); // kill -9: no more writes
    const diedAt = Date.now();

    while (other.role !== 'leader') await vi.advanceTimersByTimeAsync(100);
    expect(Date.now() - diedAt).toBeLessThanOrEqual(TTL_MS + TTL_MS / 3 + 100);
    expect(other.fence()).toBeGreaterThan(1);
  });

  it('hands the lease over at once on shutdown, and the standby takes it without waiting for the expiry', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(0);
    other.start();
    await vi.advanceTimersByTimeAsync(100);
    const leader = roles(sut);

    await sut.stop();
    await vi.advanceTimersByTimeAsync(0);

    expect(leader).toEqual(['leader', 'standby']);
    expect(other.role).toBe('leader');
  });

  it('distrusts its lease the moment the monotonic clock passes its validity, as after SIGSTOP', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(0);
    const token = sut.fence();
    expect(token).toBe(1);

    // Paused: no timer ran, but the monotonic clock moved past the lease's life.
    vi.setSystemTime(Date.now() + 2 * TTL_MS);
    vi.spyOn(performance, 'now').mockReturnValue(performance.now() + 2 * TTL_MS);
    expect(sut.fence()).toBeUndefined();
  });

  it('gives the lease up when NATS is gone longer than the lease can be trusted, and takes it back after', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(0);
    const seen = roles(sut);
    store.up = false;

    await vi.advanceTimersByTimeAsync(TTL_MS);
    expect(sut.role).toBe('standby');
    expect(sut.fence()).toBeUndefined();
    expect(counters.get('cluster_leases_lost')).toBe(1);
    expect(counters.get('cluster_lease_failures')).toBeGreaterThan(0);

    store.up = true;
    await vi.advanceTimersByTimeAsync(2 * TTL_MS);
    expect(seen).toEqual(['leader', 'standby', 'leader']);
    expect(sut.fence()).toBeGreaterThan(1);
  });

  it('keeps the lease through a NATS outage shorter than its validity, renewing as soon as NATS is back', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(0);
    const seen = roles(sut);
    await vi.advanceTimersByTimeAsync(TTL_MS / 3); // renewed at 1 s: trusted until 3.5 s
    store.up = false;
    await vi.advanceTimersByTimeAsync(2100); // the renewal at 2 s and the one at 3 s fail
    store.up = true; // at 3.1 s: the next regular renewal (4 s) would come too late
    await vi.advanceTimersByTimeAsync(300);

    await vi.advanceTimersByTimeAsync(2 * TTL_MS);
    expect(seen).toEqual(['leader']);
    expect(sut.fence()).toBe(1);
  });

  it('stands by at once when the lease moved on to another holder', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(0);
    vi.spyOn(store, 'renewLease').mockResolvedValue(undefined);

    await vi.advanceTimersByTimeAsync(TTL_MS / 3);
    expect(sut.role).toBe('standby');
    expect(sut.fence()).toBeUndefined();
  });
});
