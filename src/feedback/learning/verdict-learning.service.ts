import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Subscription } from 'rxjs';
import { Counters } from '../../common/counters.js';
import { keyDigest } from '../../common/key-digest.js';
import type { AppConfig } from '../../config/app-config.js';
import type { Article } from '../../domain/article.js';
import type { InsightVerdictEvent } from '../../domain/events.js';
import { FeedbackDatabase } from '../feedback-database.js';
import { LearnedVerdictsStore, type StoredCase } from './learned-verdicts.store.js';
import {
  type LearnedSnapshot,
  type Lesson,
  type LogEntry,
  SHARED_LESSONS,
  type SharedLessons,
} from './shared-lessons.js';
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
/** A snapshot reads the store this many cases at a time, letting other work run in between (~15 ms each). */
const SNAPSHOT_PAGE = 5000;

/**
 * Learns from agents' verdicts which cards help for which questions, and ranks later results with it.
 * When cards are pushed, the question's terms are noted per card (in memory, bounded); a card's verdict
 * then counts for that (question, article) case, durably. A later question finds the cases of similar
 * past questions (same subject words; a different question learns nothing from them) and each article's
 * score is scaled by what agents said: rejected again and again, it sinks under the floors; accepted,
 * it rises. In cluster mode the lessons go through the cluster's log (SharedLessons) and every replica,
 * this one included, learns them from there, in the same order.
 */
@Injectable()
export class VerdictLearning implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(VerdictLearning.name);
  private readonly store: LearnedVerdictsStore;
  private readonly memory = new SimilarQuestions();
  private externalChangeCheckedAt = -Infinity;
  private readonly pushed = boundedLru<string, readonly string[]>(PUSHED_CARDS.max, { ttl: PUSHED_CARDS.ttlMs });
  private following?: Subscription;
  /** Lessons that arrived while a snapshot was being read: applied right after it, in order. */
  private heldBySnapshot?: LogEntry[];

  constructor(
    database: FeedbackDatabase,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
    @Optional() @Inject(SHARED_LESSONS) private readonly shared?: SharedLessons,
  ) {
    this.store = new LearnedVerdictsStore(database, config.get('feedback', { infer: true }).maxLearned);
    this.reload();
  }

  onModuleInit(): void {
    this.following = this.shared?.follow(this.store.appliedSeq()).subscribe((entry) => this.applyShared(entry));
  }

  onApplicationShutdown(): void {
    this.following?.unsubscribe();
  }

  /** These cards were pushed for a question with these terms: their verdicts will count for it. */
  cardsPushed(interactionId: string, terms: readonly string[], articleIds: readonly string[]): void {
    const question = toQuestion(terms);
    if (question.length === 0) return;
    for (const articleId of articleIds) this.pushed.set(pushKey(interactionId, articleId), question);
  }

  /**
   * Learns one verdict, once: a card's first verdict counts; a repeat, or a verdict on a card nobody is
   * known to have pushed (before a restart; in cluster mode, over two hours ago), is counted as not learned.
   */
  learn(verdict: InsightVerdictEvent): void {
    const key = pushKey(verdict.interactionId, verdict.insightId);
    const question = this.pushed.get(key);
    this.pushed.delete(key);
    if (this.shared) {
      void this.learnShared(verdict, question, this.shared);
      return;
    }
    if (!question) return this.notLearned(verdict);
    const lesson = toLesson(verdict, question);
    try {
      this.reloadIfChangedElsewhere();
      this.remember(this.store.add(lesson.terms, lesson.articleId, lesson.verdict, lesson.at));
    } catch (error) {
      // Runs in the verdict stream: a throw would stop it. The verdict itself is delivered regardless.
      return this.notLearned(verdict, `the store failed: ${(error as Error).message}`);
    }
    this.counters.count('verdicts_learned', { action: lesson.verdict });
  }

  /** A verdict may reach a replica that did not push its card: the question is then the cluster's note. */
  private async learnShared(verdict: InsightVerdictEvent, known: readonly string[] | undefined, shared: SharedLessons) {
    try {
      // Pushed by another replica: the question kept with the card's claim (cluster-wide, 2 hours).
      const claimed = known ? undefined : await shared.questionOf(verdict.interactionId, verdict.insightId);
      const question = known ?? (claimed && toQuestion(claimed));
      if (!question?.length) return this.notLearned(verdict);
      const lesson = toLesson(verdict, question);
      const dedupeKey = keyDigest(JSON.stringify([verdict.interactionId, verdict.insightId]), 32);
      if (!(await shared.publish(lesson, dedupeKey))) return this.notLearned(verdict);
      this.counters.count('verdicts_learned', { action: lesson.verdict });
    } catch (error) {
      this.notLearned(verdict, `the cluster's log failed: ${(error as Error).message}`);
    }
  }

  /** One lesson of the cluster's log, from whichever replica: applied once, in the log's order. */
  private applyShared(entry: LogEntry): void {
    if (this.heldBySnapshot) {
      // Bounded by the lessons arriving during one snapshot read (a fraction of a second).
      this.heldBySnapshot.push(entry);
      return;
    }
    const seq = 'snapshot' in entry ? entry.snapshot.seq : entry.seq;
    try {
      if ('snapshot' in entry) {
        this.store.restore(seq, entry.snapshot.cases);
        this.reload();
        this.logger.log(`Learning restored from the cluster's snapshot at lesson ${seq}`);
      } else {
        const applied = this.store.applyShared(seq, entry.lesson);
        if (!applied) return;
        if (applied.reset > 0) this.reload();
        else if (applied.stored) this.remember(applied);
      }
      this.shared?.applied(seq, () => this.readSnapshot());
    } catch (error) {
      this.logger.error(
        `Lesson ${seq} of the cluster's log not applied, the store failed: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Every case and the log position they reflect, for the log's compaction: read a page at a time so the
   * event loop keeps serving calls (the whole store at once stalled it ~250 ms at 100,000 cases), with
   * lessons held back meanwhile so the pages and the position stay one consistent state.
   */
  private async readSnapshot(): Promise<LearnedSnapshot> {
    this.heldBySnapshot = [];
    try {
      const seq = this.store.appliedSeq();
      const cases: StoredCase[] = [];
      for (let page = this.store.casesAfter(undefined, SNAPSHOT_PAGE); ;) {
        cases.push(...page);
        if (page.length < SNAPSHOT_PAGE) break;
        await new Promise((resolve) => setImmediate(resolve));
        page = this.store.casesAfter(page.at(-1), SNAPSHOT_PAGE);
      }
      return { seq, cases };
    } finally {
      const held = this.heldBySnapshot;
      this.heldBySnapshot = undefined;
      for (const entry of held) this.applyShared(entry);
    }
  }

  private remember({ stored, dropped }: { stored?: StoredCase; dropped: readonly StoredCase[] }): void {
    for (const old of dropped) this.memory.remove(old.terms, old.articleId);
    if (stored) this.memory.put(stored);
  }

  private notLearned(verdict: InsightVerdictEvent, why?: string): void {
    this.counters.count('verdicts_not_learned');
    if (why) {
      this.logger.error({
        msg: `Verdict not learned, ${why}`,
        interactionId: verdict.interactionId,
        insightId: verdict.insightId,
      });
    }
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

/** A question's terms as learning keeps them: the first ones (they name the subject), distinct, sorted. */
function toQuestion(terms: readonly string[]): string[] {
  return [...new Set(terms.slice(0, MAX_TERMS))].sort();
}

function toLesson(verdict: InsightVerdictEvent, terms: readonly string[]): Lesson & { kind: 'verdict' } {
  const action = verdict.type === 'INSIGHT_ACCEPTED' ? 'ACCEPTED' : 'REJECTED';
  return { kind: 'verdict', terms, articleId: verdict.insightId, verdict: action, at: Date.now() };
}

function pushKey(interactionId: string, articleId: string): string {
  return `${interactionId}\u0000${articleId}`;
}
