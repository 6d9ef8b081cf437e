import { Subject } from 'rxjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import type { AssistCard } from '../domain/card.js';
import { ClaimedPushGate, claimKey } from './claimed-push.gate.js';
import type { CoordinationStore } from './coordination-store.js';
import type { StreamLease } from './stream-lease.js';

const card = (id: string): AssistCard => ({
  id,
  title: id,
  priority: 1,
  score: 0.5,
  citation: `https://kb.example.com/${id}`,
  snippet: '',
  interactionId: 'call-1',
});

describe(ClaimedPushGate.name, () => {
  let claimed: Set<string>;
  let store: CoordinationStore;
  let fence: ReturnType<typeof vi.fn>;
  let counters: Counters;
  let sut: ClaimedPushGate;

  beforeEach(() => {
    claimed = new Set();
    store = {
      leaseReleased$: new Subject<void>(),
      createLease: vi.fn(),
      renewLease: vi.fn(),
      releaseLease: vi.fn(),
      connected: () => true,
      claim: vi.fn(async (key: string) => !claimed.has(key) && claimed.add(key) !== undefined),
      claimedQuestion: vi.fn(),
    };
    fence = vi.fn(() => 7);
    counters = new Counters();
    sut = new ClaimedPushGate({ fence } as unknown as StreamLease, store, counters);
  });

  it('admits each card of a call once across the cluster, whichever replica pushes it', async () => {
    const question = ['pin', 'voicemail'];
    expect((await sut.admit('call-1', [card('kb-a'), card('kb-b')], question)).map((c) => c.id)).toEqual([
      'kb-a',
      'kb-b',
    ]);
    // After a failover the new leader heard the same question again.
    expect((await sut.admit('call-1', [card('kb-b'), card('kb-c')])).map((c) => c.id)).toEqual(['kb-c']);
    // Another call may see the same article.
    expect((await sut.admit('call-2', [card('kb-a')])).map((c) => c.id)).toEqual(['kb-a']);
    expect(store.claim).toHaveBeenCalledWith(claimKey('call-1', 'kb-a'), 7, question); // kept for learning
    expect(counters.get('cluster_cards_not_pushed{cause="claimed-before"}')).toBe(1);
  });

  it('admits nothing, and claims nothing, without a valid lease', async () => {
    fence.mockReturnValue(undefined);
    expect(await sut.admit('call-1', [card('kb-a'), card('kb-b')])).toEqual([]);
    expect(store.claim).not.toHaveBeenCalled();
    expect(counters.get('cluster_cards_not_pushed{cause="no-lease"}')).toBe(2);
  });

  it('admits nothing when the lease was lost or changed hands while the claims were out', async () => {
    fence.mockReturnValueOnce(7).mockReturnValueOnce(undefined);
    expect(await sut.admit('call-1', [card('kb-a')])).toEqual([]);
    expect(counters.get('cluster_cards_not_pushed{cause="no-lease"}')).toBe(1);
  });

  it('leaves a card out when its claim cannot be made, rather than risk showing it twice', async () => {
    vi.mocked(store.claim).mockRejectedValueOnce(new Error('not connected to NATS'));
    expect((await sut.admit('call-1', [card('kb-a'), card('kb-b')])).map((c) => c.id)).toEqual(['kb-b']);
    expect(counters.get('cluster_cards_not_pushed{cause="claim-failed"}')).toBe(1);
  });

  it('keys claims by a digest that key-value buckets accept, different for each call and card', () => {
    const key = claimKey('call:1/ü', 'kb a');
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(claimKey('call:1/ü', 'kb b')).not.toBe(key);
    expect(claimKey('call', 'x\u0000y')).not.toBe(claimKey('call\u0000x', 'y'));
  });
});
