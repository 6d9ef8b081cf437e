/**
 * Which articles each live interaction has already shown, so a card is not pushed twice. Bounded:
 * past `maxInteractions` the least recently used interaction is forgotten.
 */
export class ShownArticles {
  private readonly byInteraction = new Map<string, Set<string>>();

  constructor(private readonly maxInteractions: number) {}

  has(interactionId: string, articleId: string): boolean {
    return this.byInteraction.get(interactionId)?.has(articleId) ?? false;
  }

  remember(interactionId: string, articleIds: Iterable<string>): void {
    let shown = this.byInteraction.get(interactionId);
    if (shown) {
      this.byInteraction.delete(interactionId); // re-insert: Map order is our LRU order
    } else {
      shown = new Set();
      if (this.byInteraction.size >= this.maxInteractions) {
        const oldest = this.byInteraction.keys().next().value;
        if (oldest !== undefined) this.byInteraction.delete(oldest);
      }
    }
    for (const id of articleIds) shown.add(id);
    this.byInteraction.set(interactionId, shown);
  }

  forget(interactionId: string): void {
    this.byInteraction.delete(interactionId);
  }

  get size(): number {
    return this.byInteraction.size;
  }
}
