import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Counters } from '../../common/counters.js';
import type { AppConfig } from '../../config/app-config.js';
import type { Article } from '../../domain/article.js';
import type { InsightVerdictEvent } from '../../domain/events.js';
import { FeedbackDatabase } from '../feedback-database.js';
import { LearnedVerdictsStore } from './learned-verdicts.store.js';
import { SimilarQuestions } from './similar-questions.js';
import { boundedLru } from '../../common/bounded-lru.js';

/** Pushed cards whose verdict may still come: agents click within the call, or soon after it. */
const PUSHED_CARDS = { max: 50_000, ttlMs: 2 * 60 * 60 * 1000 };
/** A question's terms kept per card: the first ones name the subject. */
const MAX_TERMS = 16;
/**
 * How far verdicts move an article: its score is scaled by e^(STRENGTH·tanh(vote)), so one clear accept
 * for the same question more than doubles it (×3.5 at most) and one clear reject cuts it to under half.
 */
const STRENGTH = 1.25;
/** Searches look for an operator's reset at most this often: the look is a SQLite call, once per turn otherwise. */
const EXTERNAL_CHANGE_CHECK_MS = 1000;

/**
 * Learns from agents' verdicts which cards help for which questions, and ranks later results with it.
 * When cards are pushed, the question's terms are noted per card (in memory, bounded); a card's verdict
 * then counts for that (question, article) case, durably. A later question finds the cases of similar
 * past questions (same subject words; a different question learns nothing from them) and each article's
 * score is scaled by what agents said: rejected again and again, it sinks under the floors; accepted,
 * it rises.
 */
@Injectable()
export class VerdictLearning {
  private readonly logger = new Logger(VerdictLearning.name);
  private readonly store: LearnedVerdictsStore;
  private readonly memory = new SimilarQuestions();
  private externalChangeCheckedAt = -Infinity;
  private readonly pushed = boundedLru<string, readonly string[]>(PUSHED_CARDS.max, { ttl: PUSHED_CARDS.ttlMs });

  constructor(
    database: FeedbackDatabase,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.store = new LearnedVerdictsStore(database, config.get('feedback', { infer: true }).maxLearned);
    this.reload();
  }

  /** These cards were pushed for a question with these terms: their verdicts will count for it. */
  cardsPushed(interactionId: string, terms: readonly string[], articleIds: readonly string[]): void {
    const question = [...new Set(terms.slice(0, MAX_TERMS))].sort();
    if (question.length === 0) return;
    for (const articleId of articleIds) this.pushed.set(pushKey(interactionId, articleId), question);
  }

  /**
   * Learns one verdict, once: a card's first verdict counts; a repeat, or a verdict on a card this process
   * did not push (before a restart, by another pod), is counted as not learned.
   */
  learn(verdict: InsightVerdictEvent): void {
    const key = pushKey(verdict.interactionId, verdict.insightId);
    const question = this.pushed.get(key);
    if (!question) {
      this.counters.count('verdicts_not_learned');
      return;
    }
    this.pushed.delete(key);
    const action = verdict.type === 'INSIGHT_ACCEPTED' ? 'ACCEPTED' : 'REJECTED';
    try {
      this.reloadIfChangedElsewhere();
      const { stored, dropped } = this.store.add(question, verdict.insightId, action);
      for (const old of dropped) this.memory.remove(old.terms, old.articleId);
      this.memory.put(stored);
    } catch (error) {
      // Runs in the verdict stream: a throw would stop it. The verdict itself is delivered regardless.
      this.counters.count('verdicts_not_learned');
      this.logger.error({
        msg: `Verdict not learned, the store failed: ${(error as Error).message}`,
        interactionId: verdict.interactionId,
        insightId: verdict.insightId,
      });
      return;
    }
    this.counters.count('verdicts_learned', { action });
  }

  /**
   * The articles with their scores scaled by what agents said about them for similar questions, strongest
   * first. Articles without a score (a source that gives none) are ordered by the verdicts alone, keeping
   * the source's order among equals.
   */
  rank(terms: readonly string[], articles: readonly Article[]): Article[] {
    const now = Date.now();
    if (now - this.externalChangeCheckedAt >= EXTERNAL_CHANGE_CHECK_MS) {
      this.externalChangeCheckedAt = now;
      this.reloadIfChangedElsewhere();
    }
    if (articles.length === 0 || this.memory.size === 0) return [...articles];
    const votes = this.memory.votes(terms.slice(0, MAX_TERMS));
    if (votes.size === 0) return [...articles];
    const scored = articles.every((article) => article.score !== undefined);
    const ranked = articles.map((article, place) => {
      const weight = Math.exp(STRENGTH * Math.tanh(votes.get(article.id) ?? 0));
      const score = article.score === undefined ? undefined : article.score * weight;
      return { article: weight === 1 ? article : { ...article, score }, key: scored ? score! : weight, place };
    });
    ranked.sort((a, b) => b.key - a.key || a.place - b.place);
    return ranked.map(({ article }) => article);
  }

  /** How many (question, article) cases are learned. */
  get size(): number {
    return this.memory.size;
  }

  /** The operator's CLI reset or pruned the store while this process ran: read it again. */
  private reloadIfChangedElsewhere(): void {
    if (this.store.changedElsewhere()) this.reload();
  }

  private reload(): void {
    this.memory.clear();
    for (const learned of this.store.all()) this.memory.put(learned);
  }
}

function pushKey(interactionId: string, articleId: string): string {
  return `${interactionId}\u0000${articleId}`;
}
