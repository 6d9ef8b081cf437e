import { dekiTokenRefusal } from './deki-token.js';
import { ExpertPages, toXml } from './expert-results.js';
import type { Answer } from './http-exchange.js';
import type { KnowledgeIndex } from './knowledge-index.js';
import { clampedInteger, type EndpointRequest } from './rest-endpoints.js';
import type { ExpertCredentials, KbArticle } from './simulator-types.js';

export const EXPERT_QUERY_PATH = '/@api/deki/site/query';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;
/** Query ids are opaque digits; starting high makes them look like a long-lived site's. */
const FIRST_QUERY_ID = 52_000;

export interface ExpertSiteDeps {
  index: KnowledgeIndex;
  articles: readonly KbArticle[];
  credentials: ExpertCredentials;
  /** The site's public base URL (the simulator's). */
  siteUrl(): string;
  now?: () => number;
}

/** A CXone Expert site's search API (`site/query`), over the same articles as the tutorial's knowledge search. */
export class ExpertSite {
  private readonly pages: ExpertPages;
  private readonly now: () => number;
  private queries = 0;
  private helpRequestCount = 0;

  constructor(private readonly deps: ExpertSiteDeps) {
    this.pages = new ExpertPages(deps.articles);
    this.now = deps.now ?? Date.now;
  }

  /** Searches the site ran (each one billable for the tenant); refused and faulted requests are not counted. */
  get helpRequests(): number {
    return this.helpRequestCount;
  }

  resetHelpRequests(): void {
    this.helpRequestCount = 0;
  }

  pageIdOf(articleId: string): string | undefined {
    return this.pages.pageIdOf(articleId);
  }

  query(request: EndpointRequest): Answer {
    const json = request.query['dream.out.format'] === 'json';
    if (request.method !== 'GET') {
      return {
        ...dekiError(405, 'MindTouch.Dream.DreamMethodNotAllowedException', 'use GET', json),
        headers: { allow: 'GET' },
      };
    }
    const token = request.headers['x-deki-token'];
    const refusal = dekiTokenRefusal(
      typeof token === 'string' ? token : undefined,
      this.deps.credentials,
      this.nowSeconds(),
    );
    if (refusal) {
      return dekiError(403, 'MindTouch.Deki.Exceptions.ForbiddenException', `X-Deki-Token refused (${refusal})`, json);
    }
    const q = request.query.q?.trim();
    if (!q) return dekiError(400, 'MindTouch.Dream.DreamBadRequestException', "parameter 'q' is required", json);

    const limit = clampedInteger(request.query.limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
    this.helpRequestCount++;
    const found = this.deps.index.search(q, 1, limit);
    const result = this.pages.searchResult(found, q, FIRST_QUERY_ID + ++this.queries, this.deps.siteUrl());
    return json ? { status: 200, body: result } : xmlAnswer(200, 'search', result);
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

function dekiError(status: number, exception: string, message: string, json: boolean): Answer {
  const body = { '@status': String(status), exception, message };
  return json ? { status, body } : xmlAnswer(status, 'error', body);
}

function xmlAnswer(status: number, root: string, value: object): Answer {
  return { status, rawBody: toXml(root, value), contentType: 'application/xml; charset=utf-8' };
}
