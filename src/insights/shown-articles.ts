import type { LRUCache } from 'lru-cache';
import { boundedLru } from '../common/bounded-lru.js';

const DEFAULT_IDLE_MS = 10 * 60 * 1000;

interface Memory {
  articleIds: Set<string>;
  /** Ended: forgotten at its grace period's end, whatever comes. */
  retired: boolean;
}

/**
 * Which articles each live interaction has already shown, so a card is not pushed twice. Bounded:
 * past `maxInteractions` the least recently used interaction is forgotten, and so is one unused for
 * `idleMs`. An ended interaction is forgotten only after a grace period, since its last utterance may
 * still be searching.
 */
export class ShownArticles {
  private readonly byInteraction: LRUCache<string, Memory>;

  constructor(
    maxInteractions: number,
    private readonly idleMs = DEFAULT_IDLE_MS,
    now: () => number = () => Date.now(),
  ) {
    // ttlResolution 0: the clock is read on every check, so a fake clock in tests is exact.
    this.byInteraction = boundedLru(maxInteractions, { ttl: idleMs, ttlResolution: 0, perf: { now } });
  }

  has(interactionId: string, articleId: string): boolean {
    return this.byInteraction.peek(interactionId)?.articleIds.has(articleId) ?? false;
  }

  remember(interactionId: string, articleIds: Iterable<string>): void {
    const memory = this.byInteraction.get(interactionId) ?? { articleIds: new Set<string>(), retired: false };
    for (const id of articleIds) memory.articleIds.add(id);
    // A retired interaction keeps the time it had left; any other is kept for idleMs from now.
    if (memory.retired) this.byInteraction.set(interactionId, memory, { noUpdateTTL: true });
    else this.byInteraction.set(interactionId, memory);
  }

  /** The interaction ended: its memory goes once `graceMs` have passed (no card of it can come later). */
  retire(interactionId: string, graceMs: number): void {
    const memory = this.byInteraction.peek(interactionId);
    if (!memory) return;
    memory.retired = true;
    this.byInteraction.set(interactionId, memory, { ttl: Math.max(graceMs, 1) });
  }

  forget(interactionId: string): void {
    this.byInteraction.delete(interactionId);
  }

  get size(): number {
    this.byInteraction.purgeStale();
    return this.byInteraction.size;
  }
}
