import { describe, expect, it } from 'vitest';
import { loadArticles, loadConversations } from './data-files.js';
import { KnowledgeIndex } from './knowledge-index.js';

describe(loadArticles.name, () => {
  const sut = loadArticles;

  it('loads at least 40 articles with unique ids, HTML bodies and kb.example.com urls', () => {
    const articles = sut();

    expect(articles.length).toBeGreaterThanOrEqual(40);
    expect(new Set(articles.map((a) => a.id)).size).toBe(articles.length);
    for (const article of articles) {
      expect(article.url).toMatch(/^https:\/\/kb\.example\.com\/articles\/[a-z0-9-]+$/);
      expect(article.body).toMatch(/^<p>/);
      expect(article.tags?.length).toBeGreaterThan(0);
    }
  });

  it('covers telecom, banking, retail and travel', () => {
    const tags = new Set(sut().flatMap((a) => a.tags ?? []));

    expect(['telecom', 'banking', 'retail', 'travel'].every((domain) => tags.has(domain))).toBe(true);
  });
});

describe(loadConversations.name, () => {
  const sut = loadConversations;
  const index = new KnowledgeIndex(loadArticles());

  /** The customer's words between two dialog states: what a correct service would search for. */
  function customerTurns(events: { event: Record<string, unknown> }[]): string[] {
    const turns: string[] = [];
    let current: string[] = [];
    for (const { event } of events) {
      if (event.type === 'TRANSCRIPT_FRAGMENT' && event.speaker === 'CUSTOMER') current.push(String(event.text));
      if (event.type === 'DIALOG_STATE' && current.length > 0) {
        turns.push(current.join(' '));
        current = [];
      }
    }
    return turns;
  }

  it('loads at least 8 scripts, each ending with INTERACTION_ENDED and paced like live speech', () => {
    const conversations = sut();

    expect(conversations.length).toBeGreaterThanOrEqual(8);
    for (const conversation of conversations) {
      expect(conversation.events.at(-1)?.event.type).toBe('INTERACTION_ENDED');
      expect(conversation.events.every((step) => step.delayMs >= 150 && step.delayMs <= 400)).toBe(true);
      expect(conversation.events.some((step) => step.event.type === 'DIALOG_STATE')).toBe(true);
    }
  });

  it('lets a correct service find each expected article first for some customer turn', () => {
    const articleIds = new Set(loadArticles().map((a) => a.id));

    for (const conversation of sut()) {
      const topHits = customerTurns(conversation.events).map((turn) => index.search(turn, 1, 1).entities[0]?.id);
      for (const expected of conversation.expectedArticleIds ?? []) {
        expect(articleIds.has(expected)).toBe(true);
        expect(topHits, `${conversation.id} should surface ${expected}`).toContain(expected);
      }
    }
  });
});
