/** One kind of question and what agents said about one article's card for it. */
export interface LearnedCase {
  /** The question's stems, distinct and sorted: questions worded alike share a case. */
  terms: readonly string[];
  articleId: string;
  accepted: number;
  rejected: number;
}

/** Below this similarity a past question is a different question: its verdicts say nothing here. */
export const MIN_SIMILARITY = 0.5;
/** Candidates are gathered through the query's rarest terms first, at most this many per query. */
const MAX_CANDIDATES = 2000;

/**
 * Past questions with verdicts, indexed by term, for finding the ones similar to a new question: cosine
 * similarity over the questions' terms, each weighted by how rare it is among them (a term in every
 * question, like "card", tells little; one in few, like "voicemail", tells a lot). Holds what the store
 * holds, so it is bounded by the same limit.
 */
export class SimilarQuestions {
  private readonly cases = new Map<string, LearnedCase>();
  private readonly byTerm = new Map<string, Set<string>>();

  get size(): number {
    return this.cases.size;
  }

  clear(): void {
    this.cases.clear();
    this.byTerm.clear();
  }

  /** Adds or replaces the case of its (terms, article). */
  put(learned: LearnedCase): void {
    const key = caseKey(learned.terms, learned.articleId);
    this.cases.set(key, learned);
    for (const term of learned.terms) {
      let keys = this.byTerm.get(term);
      if (!keys) this.byTerm.set(term, (keys = new Set()));
      keys.add(key);
    }
  }

  remove(terms: readonly string[], articleId: string): void {
    const key = caseKey(terms, articleId);
    if (!this.cases.delete(key)) return;
    for (const term of terms) {
      const keys = this.byTerm.get(term);
      keys?.delete(key);
      if (keys?.size === 0) this.byTerm.delete(term);
    }
  }

  /**
   * What agents said about each article for questions like this one: the sum over similar past questions
   * of similarity × (accepts − rejects). Positive: its cards helped; negative: they did not.
   */
  votes(terms: readonly string[]): Map<string, number> {
    const votes = new Map<string, number>();
    if (this.cases.size === 0 || terms.length === 0) return votes;
    const query = [...new Set(terms)];
    const weights = new Map(query.map((term) => [term, this.weight(term)]));
    const queryNorm = Math.sqrt(query.reduce((sum, term) => sum + (weights.get(term) ?? 0) ** 2, 0));
    for (const key of this.candidates(query)) {
      const learned = this.cases.get(key)!;
      const similarity = this.similarity(weights, queryNorm, learned.terms);
      if (similarity < MIN_SIMILARITY) continue;
      const vote = similarity * (learned.accepted - learned.rejected);
      votes.set(learned.articleId, (votes.get(learned.articleId) ?? 0) + vote);
    }
    return votes;
  }

  /** Inverse frequency of a term among the learned questions. */
  private weight(term: string): number {
    const count = this.byTerm.get(term)?.size ?? 0;
    return Math.log(1 + (this.cases.size + 1) / (count + 1));
  }

  private similarity(queryWeights: Map<string, number>, queryNorm: number, terms: readonly string[]): number {
    let shared = 0;
    let norm = 0;
    for (const term of terms) {
      const weight = queryWeights.get(term) ?? this.weight(term);
      norm += weight * weight;
      if (queryWeights.has(term)) shared += weight * weight;
    }
    return queryNorm === 0 || norm === 0 ? 0 : shared / (queryNorm * Math.sqrt(norm));
  }

  private candidates(query: readonly string[]): Set<string> {
    const found = new Set<string>();
    const lists = query
      .map((term) => this.byTerm.get(term))
      .filter((keys): keys is Set<string> => keys !== undefined)
      .sort((a, b) => a.size - b.size);
    for (const keys of lists) {
      for (const key of keys) {
        if (found.size >= MAX_CANDIDATES) return found;
        found.add(key);
      }
    }
    return found;
  }
}

export function caseKey(terms: readonly string[], articleId: string): string {
  return `${terms.join(' ')}\u0000${articleId}`;
}
