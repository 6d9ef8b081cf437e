import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigService } from '@nestjs/config';
import { Observable, Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Counters } from '../../common/counters.js';
import type { AppConfig } from '../../config/app-config.js';
import type { Article } from '../../domain/article.js';
import { FeedbackDatabase } from '../feedback-database.js';
import { LearnedVerdictsStore } from './learned-verdicts.store.js';
import type { LearnedSnapshot, Lesson, LogEntry, SequencedLesson, SharedLessons } from './shared-lessons.js';
import { VerdictLearning } from './verdict-learning.service.js';

const config = (storePath: string, maxLearned = 1000) =>
  ({ get: () => ({ storePath, maxPending: 1000, maxLearned }) }) as unknown as ConfigService<AppConfig, true>;

/**
 * The cluster's log as JetStream keeps it: one order, message ids deduplicated, questions by card, and
 * compaction as NatsSharedLessons does it (a snapshot every `compactEvery` lessons, the lessons the previous
 * snapshot held purged).
 */
class InMemoryLessons implements SharedLessons {
  log: SequencedLesson[] = [];
  readonly questions = new Map<string, readonly string[]>();
  failing = false;
  compactEvery = Infinity;
  snapshot?: LearnedSnapshot;
  private compacting = false;
  private lastSeq = 0;
  private readonly seen = new Set<string>();
  private readonly appended = new Subject<SequencedLesson>();

  publish(lesson: Lesson, dedupeKey?: string): Promise<boolean> {
    if (this.failing) return Promise.reject(new Error('NATS away'));
    if (dedupeKey !== undefined && this.seen.has(dedupeKey)) return Promise.resolve(false);
    if (dedupeKey !== undefined) this.seen.add(dedupeKey);
    const entry = { seq: ++this.lastSeq, lesson: structuredClone(lesson) };
    this.log.push(entry);
    this.appended.next(entry);
    return Promise.resolve(true);
  }

  /** What a consumer does after a reconnection that lost its place: the log again from the start. */
  redeliverAll(): void {
    for (const entry of this.log) this.appended.next(entry);
  }

  follow(afterSeq: number): Observable<LogEntry> {
    return new Observable((subscriber) => {
      let position = afterSeq;
      if (this.log.length > 0 && this.log[0]!.seq > position + 1 && this.snapshot) {
        subscriber.next({ snapshot: structuredClone(this.snapshot) });
        position = this.snapshot.seq;
      }
      for (const entry of this.log) if (entry.seq > position) subscriber.next(entry);
      return this.appended.subscribe(subscriber);
    });
  }

  applied(seq: number, take: () => Promise<LearnedSnapshot>): void {
    const previous = this.snapshot?.seq ?? 0;
    if (this.compacting || seq - previous < this.compactEvery) return;
    this.compacting = true;
    void take().then((snapshot) => {
      this.snapshot = structuredClone(snapshot);
      this.log = this.log.filter((entry) => entry.seq > previous);
      this.compacting = false;
    });
  }

  /** What the push gate does in cluster mode: the question kept with each card's claim. */
  claimed(interactionId: string, terms: readonly string[], articleIds: readonly string[]): void {
    for (const id of articleIds) this.questions.set(`${interactionId}/${id}`, terms);
  }

  questionOf(interactionId: string, articleId: string): Promise<readonly string[] | undefined> {
    if (this.failing) return Promise.reject(new Error('NATS away'));
    return Promise.resolve(this.questions.get(`${interactionId}/${articleId}`));
  }
}

const VOICEMAIL = ['reset', 'voicemail', 'pin'];
const hits = (): Article[] => [
  { id: 'kb-pin-policy', title: 'PIN policy', body: 'b', url: 'https://kb.example.com/1', score: 0.8 },
  { id: 'kb-voicemail', title: 'Voicemail', body: 'b', url: 'https://kb.example.com/2', score: 0.5 },
];
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(`${VerdictLearning.name} in cluster mode`, () => {
  let lessons: InMemoryLessons;
  let open: { database: FeedbackDatabase; learning: VerdictLearning }[];

  const replica = (directory = mkdtempSync(join(tmpdir(), 'shared-learning-')), maxLearned = 1000) => {
    const database = new FeedbackDatabase(config(directory));
    const counters = new Counters();
    const learning = new VerdictLearning(database, counters, config(directory, maxLearned), lessons);
    learning.onModuleInit();
    open.push({ database, learning });
    return { learning, counters, directory, database };
  };
  const close = (database: FeedbackDatabase, learning: VerdictLearning) => {
    learning.onApplicationShutdown();
    database.close();
    open = open.filter((entry) => entry.database !== database);
  };
  const ranked = (learning: VerdictLearning) => learning.rank(VOICEMAIL, hits()).map((found) => found.id);

  beforeEach(() => {
    lessons = new InMemoryLessons();
    open = [];
  });

  afterEach(() => {
    for (const { database, learning } of open) close(database, learning);
  });

  it('learns on every replica a verdict taken on a replica that did not push the card', async () => {
    const leader = replica();
    const standby = replica();

    leader.learning.cardsPushed('call-1', VOICEMAIL, ['kb-pin-policy', 'kb-voicemail']);
    lessons.claimed('call-1', VOICEMAIL, ['kb-pin-policy', 'kb-voicemail']); // the push gate, with the claims
    standby.learning.learn({ type: 'INSIGHT_ACCEPTED', interactionId: 'call-1', insightId: 'kb-voicemail' });
    await settle();

    expect(lessons.log).toHaveLength(1);
    expect(standby.counters.get('verdicts_learned{action="ACCEPTED"}')).toBe(1);
    expect(ranked(leader.learning)).toEqual(['kb-voicemail', 'kb-pin-policy']);
    expect(ranked(standby.learning)).toEqual(['kb-voicemail', 'kb-pin-policy']);
  });

  it("counts a card's first verdict once across replicas: a second one, anywhere, is not learned", async () => {
    const a = replica();
    const b = replica();
    a.learning.cardsPushed('call-1', VOICEMAIL, ['kb-voicemail']);
    lessons.claimed('call-1', VOICEMAIL, ['kb-voicemail']); // the push gate, with the claims

    a.learning.learn({ type: 'INSIGHT_ACCEPTED', interactionId: 'call-1', insightId: 'kb-voicemail' });
    b.learning.learn({ type: 'INSIGHT_REJECTED', interactionId: 'call-1', insightId: 'kb-voicemail' });
    await settle();

    expect(lessons.log).toHaveLength(1);
    expect(b.counters.get('verdicts_not_learned')).toBe(1);
    expect(new LearnedVerdictsStore(a.database, 1000).all()).toMatchObject([{ accepted: 1, rejected: 0 }]);
  });

  it('brings a replica started later to the same learning, and applies nothing twice after a restart', async () => {
    const first = replica();
    first.learning.cardsPushed('call-1', VOICEMAIL, ['kb-voicemail']);
    first.learning.learn({ type: 'INSIGHT_ACCEPTED', interactionId: 'call-1', insightId: 'kb-voicemail' });
    await settle();

    const late = replica();
    expect(ranked(late.learning)).toEqual(['kb-voicemail', 'kb-pin-policy']);

    close(first.database, first.learning);
    const restarted = replica(first.directory);
    expect(new LearnedVerdictsStore(restarted.database, 1000).all()).toMatchObject([{ accepted: 1 }]);
    expect(new LearnedVerdictsStore(restarted.database, 1000).appliedSeq()).toBe(1);
  });

  it('applies a lesson delivered twice once', async () => {
    const a = replica();
    a.learning.cardsPushed('call-1', VOICEMAIL, ['kb-voicemail']);
    a.learning.learn({ type: 'INSIGHT_ACCEPTED', interactionId: 'call-1', insightId: 'kb-voicemail' });
    await settle();

    lessons.redeliverAll();

    expect(new LearnedVerdictsStore(a.database, 1000).all()).toMatchObject([{ accepted: 1, rejected: 0 }]);
  });

  it('restores a replica started after the log was compacted from the snapshot, then follows the rest', async () => {
    lessons.compactEvery = 2;
    const first = replica();
    const questions = [VOICEMAIL, ['overdraft', 'fee'], ['card', 'lost'], ['pin', 'reset'], ['address', 'change']];
    for (const [call, question] of questions.entries()) {
      first.learning.cardsPushed(`call-${call}`, question, ['kb-voicemail']);
      first.learning.learn({ type: 'INSIGHT_ACCEPTED', interactionId: `call-${call}`, insightId: 'kb-voicemail' });
      await settle(); // one verdict at a time, as agents click
    }
    expect(lessons.log.map((entry) => entry.seq)).toEqual([3, 4, 5]); // lessons 1-2 compacted away
    expect(lessons.snapshot?.seq).toBe(4);

    const late = replica();

    const cases = (database: FeedbackDatabase) =>
      new LearnedVerdictsStore(database, 1000)
        .all()
        .map(({ terms, accepted }) => `${terms.join(' ')}:${accepted}`)
        .sort();
    expect(cases(late.database)).toHaveLength(5);
    expect(cases(late.database)).toEqual(cases(first.database));
    expect(new LearnedVerdictsStore(late.database, 1000).appliedSeq()).toBe(5);
    expect(ranked(late.learning)).toEqual(['kb-voicemail', 'kb-pin-policy']);
  });

  it('reads a snapshot a page at a time, holding back lessons meanwhile, so it is one consistent state', async () => {
    const a = replica(undefined, 100_000);
    const many = Array.from({ length: 12_000 }, (_, i) => ({
      terms: [`topic${i}`],
      articleId: 'kb-many',
      accepted: 1,
      rejected: 0,
      updatedAt: i,
    }));
    new LearnedVerdictsStore(a.database, 100_000).restore(0, many);
    lessons.compactEvery = 1;
    a.learning.cardsPushed('call-1', VOICEMAIL, ['kb-voicemail']);
    a.learning.learn({ type: 'INSIGHT_ACCEPTED', interactionId: 'call-1', insightId: 'kb-voicemail' });
    for (let i = 0; i < 5; i++) await Promise.resolve(); // lesson 1 applied, its snapshot between two pages

    await lessons.publish({ kind: 'verdict', terms: ['late'], articleId: 'kb-late', verdict: 'REJECTED', at: 1 });
    const store = new LearnedVerdictsStore(a.database, 100_000);
    expect(store.appliedSeq()).toBe(1); // held back while the snapshot is read
    while (!lessons.snapshot) await settle();

    expect(lessons.snapshot.seq).toBe(1);
    expect(lessons.snapshot.cases).toHaveLength(12_001);
    expect(lessons.snapshot.cases.some((learned) => learned.articleId === 'kb-late')).toBe(false);
    expect(store.appliedSeq()).toBe(2);
    expect(store.all().some((learned) => learned.articleId === 'kb-late')).toBe(true);
  });

  it("applies an operator's reset from the log on every replica", async () => {
    const a = replica();
    const b = replica();
    a.learning.cardsPushed('call-1', VOICEMAIL, ['kb-voicemail']);
    a.learning.learn({ type: 'INSIGHT_ACCEPTED', interactionId: 'call-1', insightId: 'kb-voicemail' });
    await settle();
    expect(b.learning.size).toBe(1);

    await lessons.publish({ kind: 'reset', filter: { articleId: 'kb-voicemail' }, at: Date.now() });

    expect(a.learning.size).toBe(0);
    expect(b.learning.size).toBe(0);
    expect(ranked(b.learning)).toEqual(['kb-pin-policy', 'kb-voicemail']);
  });

  it('counts a verdict not learned, without throwing, while the log is unreachable', async () => {
    const a = replica();
    a.learning.cardsPushed('call-1', VOICEMAIL, ['kb-voicemail']);
    lessons.failing = true;

    expect(() =>
      a.learning.learn({ type: 'INSIGHT_ACCEPTED', interactionId: 'call-1', insightId: 'kb-voicemail' }),
    ).not.toThrow();
    await settle();

    expect(a.counters.get('verdicts_not_learned')).toBe(1);
    expect(a.learning.size).toBe(0);
  });
});
