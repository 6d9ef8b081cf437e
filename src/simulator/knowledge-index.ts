import MiniSearch from 'minisearch';
import type { KbArticle } from './simulator-types.js';

export interface SearchHit {
  id: string;
  title: string;
  body: string;
  url: string;
  score: number;
}

export interface SearchPage {
  entities: SearchHit[];
  totalCount: number;
}

/**
 * Raw MiniSearch (BM25) scores depend on the query length, so they are mapped through
 * raw / (raw + K): a fixed scale that keeps scores comparable across queries. A raw score
 * of K maps to 0.5.
 */
const SCORE_HALF_POINT = 40;

// Conversational filler would otherwise prefix-match half the knowledge base.
const STOP_WORDS = new Set(
  (
    'a about above after again all also am an and any are as at be been before being below but by can ' +
    'could did do does doing done for from get got had has have having he her here hers him his how i ' +
    "i'm im if in into is it it's its just me might more most my myself no nor not now of off on once " +
    'only or other our ours out over own same she should so some such than that the their them then ' +
    'there these they this those through to too under until up very was we were what when where which ' +
    'while who whom why will with would you your yours yourself ' +
    'hi hello hey ok okay yes yeah yep uh um hmm oh please thanks thank sure right well like really ' +
    'let lets need want wanted trying try know see sir madam one today'
  ).split(/\s+/),
);

export function htmlToPlainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return lower.length < 2 || STOP_WORDS.has(lower) ? null : lower;
}

function normalizeScore(raw: number): number {
  const rounded = Math.round((raw / (raw + SCORE_HALF_POINT)) * 1000) / 1000;
  return Math.min(1, Math.max(0.001, rounded));
}

/** Full-text search over the knowledge base, shaped like the CXone knowledge search API. */
export class KnowledgeIndex {
  private readonly engine: MiniSearch<KbArticle>;
  private readonly articlesById = new Map<string, KbArticle>();

  constructor(articles: readonly KbArticle[]) {
    this.engine = new MiniSearch<KbArticle>({
      fields: ['title', 'body', 'tags'],
      extractField: (article, field) => {
        if (field === 'body') return htmlToPlainText(article.body);
        if (field === 'tags') return (article.tags ?? []).join(' ');
        return article[field as keyof KbArticle];
      },
      processTerm,
      searchOptions: { boost: { title: 2 }, fuzzy: 0.2, prefix: true, combineWith: 'OR' },
    });
    this.engine.addAll(articles);
    for (const article of articles) this.articlesById.set(article.id, article);
  }

  /** `page` is 1-based. */
  search(query: string, page: number, pageSize: number): SearchPage {
    const results = this.engine.search(query);
    const start = (page - 1) * pageSize;
    const entities = results.slice(start, start + pageSize).map((result) => {
      const article = this.articlesById.get(result.id as string) as KbArticle;
      return {
        id: article.id,
        title: article.title,
        body: article.body,
        url: article.url,
        score: normalizeScore(result.score),
      };
    });
    return { entities, totalCount: results.length };
  }
}
