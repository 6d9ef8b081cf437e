import { Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { CxoneApiClient } from '../cxone-api/cxone-api.client.js';

export interface KnowledgeQuery {
  text: string;
  language: string;
  pageSize: number;
}

/** The knowledge search API, and nothing else. Returns the raw, untrusted `entities`. */
@Injectable()
export class KnowledgeAdapter {
  constructor(private readonly api: CxoneApiClient) {}

  search(query: KnowledgeQuery): Observable<unknown[]> {
    return this.api
      .call<{ entities?: unknown }>({
        operation: 'knowledge-search',
        method: 'GET',
        path: '/api/v2/knowledge/articles/search',
        params: { q: query.text, language: query.language, page: 1, pageSize: query.pageSize },
        scope: 'knowledge:read',
      })
      .pipe(map((reply) => (Array.isArray(reply?.entities) ? reply.entities : [])));
  }
}
