interface Memory {
  articleIds: Set<string>;
  lastUsedAt: number;
}

interface Retirement {
  interactionId: string;
  at: number;
}

const DEFAULT_IDLE_MS = 10 * 60 * 1000;

/**
 * Which articles each live interaction has already shown, so a card is not pushed twice. Bounded:
 * past `maxInteractions` the least recently used interaction is forgotten, and so is one unused for
 * `idleMs`. An ended interaction is forgotten only after a grace period, since its last utterance may
 * still be searching. Forgetting is done lazily by the calls themselves: no timer.
 */
export class ShownArticles {
  private readonly byInteraction = new Map<string, Memory>();
  private readonly retiring: Retirement[] = [];
  private retiringHead = 0;

  constructor(
    private readonly maxInteractions: number,
    private readonly idleMs = DEFAULT_IDLE_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  has(interactionId: string, articleId: string): boolean {
    this.expire(this.now());
    return this.byInteraction.get(interactionId)?.articleIds.has(articleId) ?? false;
  }

  remember(interactionId: string, articleIds: Iterable<string>): void {
    const now = this.now();
    this.expire(now);
    let memory = this.byInteraction.get(interactionId);
    if (memory) {
      this.byInteraction.delete(interactionId); // re-insert: Map order is our LRU order
    } else {
      memory = { articleIds: new Set(), lastUsedAt: now };
      if (this.byInteraction.size >= this.maxInteractions) {
        const oldest = this.byInteraction.keys().next().value;
        if (oldest !== undefined) this.byInteraction.delete(oldest);
      }
    }
    for (const id of articleIds) memory.articleIds.add(id);
    memory.lastUsedAt = now;
    this.byInteraction.set(interactionId, memory);
  }

  /** The interaction ended: its memory goes once `graceMs` have passed (no card of it can come later). */
  retire(interactionId: string, graceMs: number): void {
    const now = this.now();
    this.expire(now);
    if (!this.byInteraction.has(interactionId)) return;
    this.retiring.push({ interactionId, at: now + graceMs });
  }

  forget(interactionId: string): void {
    this.byInteraction.delete(interactionId);
  }

  get size(): number {
    this.expire(this.now());
    return this.byInteraction.size;
  }

  /** Amortised O(1): only the oldest retirements and the least recently used entries are looked at. */
  private expire(now: number): void {
    while (this.retiringHead < this.retiring.length && this.retiring[this.retiringHead].at <= now) {
      this.byInteraction.delete(this.retiring[this.retiringHead].interactionId);
      this.retiringHead++;
    }
    if (this.retiringHead > 1024 && this.retiringHead * 2 > this.retiring.length) {
      this.retiring.splice(0, this.retiringHead);
      this.retiringHead = 0;
    }
    for (const [interactionId, memory] of this.byInteraction) {
      if (now - memory.lastUsedAt < this.idleMs) break;
      this.byInteraction.delete(interactionId);
    }
  }
}
