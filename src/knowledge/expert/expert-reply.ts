import type { Article } from '../../domain/article.js';
import { MAX_ARTICLE_ID_CHARS, MAX_BODY_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS } from '../article-limits.js';
import { KnowledgeErrorCode, KnowledgeException } from '../knowledge.exception.js';

const ID_PREFIX = 'expert-';
/** Expert ids are numbers; anything with spaces or controls is not one, and would make a confusing card id. */
const EXPERT_ID = new RegExp(`^[\\w.:-]{1,${MAX_ARTICLE_ID_CHARS - ID_PREFIX.length}}$`);

/**
 * The articles of a `site/query` JSON reply, in Expert's order, at most `max`. Expert writes every value as
 * a string and `result` as `""` (no hit), the hit itself (one) or an array (several). A hit needs an id and
 * a title (its own, else its page's); the citation is the page's `uri.ui`, else the hit's `uri`. Expert's
 * `rank` is not a 0-1 relevance, so `score` stays unset and KB_MIN_SCORE does not judge these articles.
 * Throws ExpertInvalidReply when the body is not such a reply at all (an HTML login page, XML, an error
 * document); a malformed hit is only skipped.
 */
export function parseExpertReply(body: string, max: number): Article[] {
  let reply: unknown;
  try {
    reply = JSON.parse(body);
  } catch {
    const markup = body.trimStart().startsWith('<');
    throw invalidReply(markup ? 'the reply is HTML or XML, not JSON' : 'the reply is not JSON');
  }
  const result = resultOf(reply);
  if (result === undefined) throw invalidReply('the reply is JSON but not a site/query result');
  const hits = result === '' ? [] : Array.isArray(result) ? (result as unknown[]) : [result];
  const articles: Article[] = [];
  for (let i = 0; i < hits.length && articles.length < max; i++) {
    try {
      const article = toArticle(hits[i]);
      if (article) articles.push(article);
    } catch {
      // a hostile entry (throwing getter, proxy): skipped
    }
  }
  return articles;
}

function resultOf(reply: unknown): unknown {
  if (!isRecord(reply) || !Object.hasOwn(reply, 'result')) return undefined;
  const { result } = reply;
  return result === '' || isRecord(result) || Array.isArray(result) ? result : undefined;
}

function toArticle(hit: unknown): Article | undefined {
  if (!isRecord(hit)) return undefined;
  const page = isRecord(hit.page) ? hit.page : {};
  const id = textOf(hit.id)?.trim();
  if (id === undefined || !EXPERT_ID.test(id)) return undefined;
  const title = nonBlank(textOf(hit.title)) ?? nonBlank(textOf(page.title));
  if (title === undefined) return undefined;
  return {
    id: `${ID_PREFIX}${id}`,
    title: title.slice(0, MAX_TITLE_CHARS),
    body: (textOf(hit.preview) ?? '').slice(0, MAX_BODY_CHARS),
    url: usableUrl(textOf(page['uri.ui'])) ?? usableUrl(textOf(hit.uri)) ?? '',
  };
}

/**
 * A value as text: Expert's strings, a number where a JSON writer made one of a string number, and the
 * `#text` of an element that carries attributes (how Expert's JSON renders those).
 */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (isRecord(value) && typeof value['#text'] === 'string') return value['#text'];
  return undefined;
}

function nonBlank(text: string | undefined): string | undefined {
  return text !== undefined && text.trim() !== '' ? text : undefined;
}

function usableUrl(url: string | undefined): string | undefined {
  const trimmed = url?.trim();
  return trimmed && trimmed.length <= MAX_URL_CHARS ? trimmed : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidReply(reason: string): KnowledgeException {
  return new KnowledgeException(KnowledgeErrorCode.ExpertInvalidReply, reason);
}
