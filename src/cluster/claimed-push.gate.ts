import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counters } from '../common/counters.js';
import { keyDigest } from '../common/key-digest.js';
import type { AssistCard } from '../domain/card.js';
import type { PushGate } from '../insights/push-gate.js';
import { COORDINATION_STORE, type CoordinationStore } from './coordination-store.js';
import { StreamLease } from './stream-lease.js';

/**
 * Cluster mode's last word before a push: the stream lease must be valid (the fencing token) before and
 * after the cards are claimed, and each card is claimed once per call across the cluster (a key-value
 * create of interaction + article), so neither a failover nor a rolling update shows an agent a card twice.
 */
@Injectable()
export class ClaimedPushGate implements PushGate {
  private readonly logger = new Logger(ClaimedPushGate.name);

  constructor(
    private readonly lease: StreamLease,
    @Inject(COORDINATION_STORE) private readonly store: CoordinationStore,
    private readonly counters: Counters,
  ) {}

  async admit(
    interactionId: string,
    cards: readonly AssistCard[],
    question?: readonly string[],
  ): Promise<AssistCard[]> {
    const token = this.lease.fence();
    if (token === undefined) return this.fenced(interactionId, cards);
    const claimed = await Promise.all(cards.map((card) => this.claim(interactionId, card, token, question)));
    // The claims were a round trip: a process paused meanwhile must not push on waking.
    if (this.lease.fence() !== token) return this.fenced(interactionId, cards);
    return cards.filter((_, index) => claimed[index]);
  }

  private async claim(
    interactionId: string,
    card: AssistCard,
    token: number,
    question: readonly string[] | undefined,
  ): Promise<boolean> {
    try {
      const first = await this.store.claim(claimKey(interactionId, card.id), token, question);
      if (!first) this.counters.count('cluster_cards_not_pushed', { cause: 'claimed-before' });
      return first;
    } catch (error) {
      // Unproven uniqueness: better no card than the same card twice.
      this.counters.count('cluster_cards_not_pushed', { cause: 'claim-failed' });
      this.logger.warn({ msg: `Card not pushed, its claim failed: ${(error as Error).message}`, interactionId });
      return false;
    }
  }

  private fenced(interactionId: string, cards: readonly AssistCard[]): AssistCard[] {
    this.counters.count('cluster_cards_not_pushed', { cause: 'no-lease' }, cards.length);
    this.logger.warn({
      msg: `${cards.length} card(s) not pushed: this replica does not hold the stream lease`,
      interactionId,
    });
    return [];
  }
}

/** Key-value keys allow few characters and the ids are the tenant's: a digest of both, base64url. */
export function claimKey(interactionId: string, cardId: string): string {
  // JSON keeps the pair unambiguous whatever characters the ids hold.
  return keyDigest(JSON.stringify([interactionId, cardId]), 32);
}
