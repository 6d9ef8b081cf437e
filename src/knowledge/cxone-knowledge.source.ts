import { Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { CxoneApiClient } from '../cxone-api/cxone-api.client.js';
import type { Article } from '../domain/article.js';
import { MAX_ARTICLE_ID_CHARS, MAX_BODY_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS } from './article-limits.js';
import type { KnowledgeQuery, KnowledgeSource } from './knowledge-source.js';

/** The tutorial's knowledge search API (`GET /api/v2/knowledge/articles/search`), and nothing else. */
@Injectable()
export class CxoneKnowledgeSource implements KnowledgeSource {
  constructor(private readonly api: CxoneApiClient) {}

  search(query: KnowledgeQuery): Observable<Article[]> {
    return this.api
      .call<{ entities?: unknown }>({
        operation: 'knowledge-search',
        method: 'GET',
        path: '/api/v2/knowledge/articles/search',
        params: { q: query.text, language: query.language, page: 1, pageSize: query.pageSize },
        scope: 'knowledge:read',
      })
      .pipe(map((reply) => toArticles(reply?.entities, query.pageSize)));
  }
}

/**
 * The well-formed entries of an untrusted `entities` list, in its (relevance) order: an id of 1-128
 * characters and a title are required; a missing score counts as 0 (the tutorial's rule). Never throws.
 */
export function toArticles(entities: unknown, max: number): Article[] {
  const articles: Article[] = [];
  if (!Array.isArray(entities)) return articles;
  for (let i = 0; i < entities.length && articles.length < max * 4; i++) {
    try {
      const article = toArticle(entities[i]);
      if (article) articles.push(article);
    } catch {
      // a hostile entry (throwing getter, proxy): skipped
    }
  }
  return articles;
}

function toArticle(entry: unknown): Article | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const { id, title, body, url, score } = entry as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ARTICLE_ID_CHARS) return undefined;
  if (typeof title !== 'string' || title.length === 0) return undefined;
  const relevance = score === undefined || score === null ? 0 : score;
  if (typeof relevance !== 'number' || !Number.isFinite(relevance)) return undefined;
  return {
    id,
    title: title.slice(0, MAX_TITLE_CHARS),
    body: typeof body === 'string' ? body.slice(0, MAX_BODY_CHARS) : '',
    url: typeof url === 'string' && url.length <= MAX_URL_CHARS ? url : '',
    score: relevance,
  };
}
