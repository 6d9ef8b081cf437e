import type { Article } from '../domain/article.js';

export interface ScoreFloors {
  /** KB_MIN_SCORE: no card for an article scoring below this. */
  minScore: number;
  /** KB_CONFIDENT_SCORE: unless the best hit scores this much, the search found nothing worth a card. */
  confidentScore: number;
  /** KB_RELATIVE_SCORE: a card's score must be at least this share of the best hit's. */
  relativeScore: number;
  /** KB_STATEMENT_SCORE: the confident floor for an utterance that asks nothing (no question or request). */
  statementScore: number;
}

/**
 * The articles strong enough for a card, in the given (ranked) order. Judged on the whole result, the
 * articles the call has already seen included: when the best hit is one of those, the agent already has
 * the answer, and the weaker hits under it are leftovers, not news; nothing new is worth a card.
 * Articles without a score (a source that gives none) are not judged by the score floors.
 */
export function strongArticles(
  articles: readonly Article[],
  floors: ScoreFloors,
  { isAlreadyShown = () => false, asks = true }: StrengthContext = {},
): Strength {
  const best = bestOf(articles);
  if (best === undefined) return { strong: [], quiet: 'no-hits' };
  if (isAlreadyShown(best.id)) return { strong: [], quiet: 'already-shown' };
  if (best.score === undefined) return { strong: [...articles] };
  // A statement ("the parcel turned up at my neighbour's") may be a need or small talk: only a strong hit says.
  const confident = asks ? floors.confidentScore : Math.max(floors.confidentScore, floors.statementScore);
  if (best.score < confident) return { strong: [], quiet: 'weak' };
  const floor = Math.max(floors.minScore, floors.relativeScore * best.score);
  return { strong: articles.filter(({ score }) => score === undefined || score >= floor) };
}

export interface StrengthContext {
  /** True for an article the call's agent has already been shown. */
  isAlreadyShown?: (articleId: string) => boolean;
  /** The utterance asks something (default); false: a statement, judged by the statement floor. */
  asks?: boolean;
}

export interface Strength {
  strong: Article[];
  /** Why nothing is strong enough, when nothing is. */
  quiet?: QuietCause;
}

export type QuietCause = 'no-hits' | 'weak' | 'already-shown';

/** The highest-scoring article (the first among equals), or the first one when none has a score. */
function bestOf(articles: readonly Article[]): Article | undefined {
  let best: Article | undefined;
  for (const article of articles) {
    if (article.score === undefined) continue;
    if (best === undefined || article.score > best.score!) best = article;
  }
  return best ?? articles[0];
}
