import type { Observable } from 'rxjs';
import type { Article } from '../domain/article.js';

export interface KnowledgeQuery {
  text: string;
  language: string;
  /** Hits wanted at most. */
  pageSize: number;
}

/**
 * The outside system that knows the articles: the tutorial's knowledge search or CXone Expert. Hits come
 * back as typed, bounded articles in relevance order; no raw reply goes past the adapter.
 */
export interface KnowledgeSource {
  search(query: KnowledgeQuery): Observable<Article[]>;
}

export const KNOWLEDGE_SOURCE = Symbol('KNOWLEDGE_SOURCE');
