import { htmlToPlainText, type SearchHit, type SearchPage } from './knowledge-index.js';
import type { KbArticle } from './simulator-types.js';

/** Expert page ids are numbers; the articles get consecutive ones in the order they were given. */
const FIRST_PAGE_ID = 1001;
const PREVIEW_MAX_CHARS = 240;
const MAX_HIGHLIGHTED_TERMS = 20;
/** Expert reports when a page changed; the simulated site was last edited once, at this time. */
const PAGES_MODIFIED = '2024-05-14T09:30:00Z';

/** One hit of `site/query` as Expert renders it in JSON: every value a string. */
export interface ExpertHit {
  id: string;
  title: string;
  uri: string;
  'uri.track': string;
  rank: string;
  preview: string;
  'date.modified': string;
  type: 'page';
  page: { title: string; 'uri.ui': string; path: string };
}

/** Expert's JSON quirk: `""` for no hit, the hit itself for one, an array for several. */
export type ExpertResult = '' | ExpertHit | ExpertHit[];

export interface ExpertSearch {
  '@count': string;
  '@querycount': string;
  '@ranking': 'adaptive';
  '@queryid': string;
  result: ExpertResult;
}

/**
 * The knowledge articles as pages of an Expert site at `siteUrl`: page `{siteUrl}/Knowledge/{Title_With_Underscores}`
 * (the title-based path Expert gives pages) and the permalink `{siteUrl}/@go/page/{id}` as the click-tracking URI.
 */
export class ExpertPages {
  private readonly pageIdByArticle = new Map<string, string>();

  constructor(articles: readonly KbArticle[]) {
    articles.forEach((article, index) => this.pageIdByArticle.set(article.id, String(FIRST_PAGE_ID + index)));
  }

  pageIdOf(articleId: string): string | undefined {
    return this.pageIdByArticle.get(articleId);
  }

  searchResult(found: SearchPage, query: string, queryId: number, siteUrl: string): ExpertSearch {
    const hits = found.entities.map((hit) => this.hit(hit, query, siteUrl));
    return {
      '@count': String(hits.length),
      '@querycount': String(found.totalCount),
      '@ranking': 'adaptive',
      '@queryid': String(queryId),
      result: hits.length === 0 ? '' : hits.length === 1 ? hits[0]! : hits,
    };
  }

  private hit(hit: SearchHit, query: string, siteUrl: string): ExpertHit {
    const id = this.pageIdOf(hit.id)!;
    const path = `Knowledge/${encodeURIComponent(hit.title.replace(/ /g, '_'))}`;
    const uri = `${siteUrl}/${path}`;
    return {
      id,
      title: hit.title,
      uri,
      'uri.track': `${siteUrl}/@go/page/${id}`,
      rank: String(hit.score),
      preview: previewHtml(hit.body, query),
      'date.modified': PAGES_MODIFIED,
      type: 'page',
      page: { title: hit.title, 'uri.ui': uri, path },
    };
  }
}

/** A `<p>` excerpt of the page with the query's words in `<strong>`, as Expert highlights them. */
export function previewHtml(bodyHtml: string, query: string): string {
  const text = htmlToPlainText(bodyHtml).replace(/\s+/g, ' ').trim();
  const cut = text.lastIndexOf(' ', PREVIEW_MAX_CHARS);
  const excerpt = text.length <= PREVIEW_MAX_CHARS ? text : `${text.slice(0, cut > 0 ? cut : PREVIEW_MAX_CHARS)}...`;
  const terms = query
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length >= 3)
    .slice(0, MAX_HIGHLIGHTED_TERMS);
  if (terms.length === 0) return `<p>${escapeHtml(excerpt)}</p>`;
  // Split with a capture group: odd pieces are the matches. Escaping each piece keeps entities intact.
  const pieces = excerpt.split(new RegExp(`(?<![\\p{L}\\p{N}])(${terms.join('|')})(?![\\p{L}\\p{N}])`, 'iu'));
  const html = pieces.map((piece, i) => (i % 2 === 1 ? `<strong>${escapeHtml(piece)}</strong>` : escapeHtml(piece)));
  return `<p>${html.join('')}</p>`;
}

/** The same document in Expert's default format, for a client that forgot `dream.out.format=json`. */
export function toXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>${xmlElement(root, value)}`;
}

function xmlElement(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => xmlElement(name, item)).join('');
  if (value === '' && name === 'result') return '';
  if (typeof value !== 'object' || value === null) return `<${name}>${escapeHtml(String(value))}</${name}>`;
  const entries = Object.entries(value);
  const attributes = entries
    .filter(([key]) => key.startsWith('@'))
    .map(([key, attribute]) => ` ${key.slice(1)}="${escapeHtml(String(attribute))}"`)
    .join('');
  const children = entries
    .filter(([key]) => !key.startsWith('@'))
    .map(([key, child]) => xmlElement(key, child))
    .join('');
  return `<${name}${attributes}>${children}</${name}>`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
