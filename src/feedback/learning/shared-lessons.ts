import type { Observable } from 'rxjs';
import type { CaseFilter, LearnedVerdict, StoredCase } from './learned-verdicts.store.js';

/** One change to what is learned: a verdict on a card pushed for a question, or an operator's reset. */
export type Lesson =
  | { kind: 'verdict'; terms: readonly string[]; articleId: string; verdict: LearnedVerdict; at: number }
  | { kind: 'reset'; filter: CaseFilter; at: number };

/** A lesson with its place in the cluster's one order: every replica applies the same lessons in it. */
export interface SequencedLesson {
  seq: number;
  lesson: Lesson;
}

/** Every case as of the log's lesson `seq`: what the log's older lessons add up to once they are compacted. */
export interface LearnedSnapshot {
  seq: number;
  cases: readonly StoredCase[];
}

/** What following the log yields: its lessons in order, or a snapshot for a replica behind its compaction. */
export type LogEntry = SequencedLesson | { snapshot: LearnedSnapshot };

/**
 * Cluster mode's learning (docs/cluster.md): lessons go into one ordered log that every replica applies to
 * its own store, so all rank alike, a failover keeps what was learned, and a verdict taken on any replica
 * counts. Single-pod mode has none and learns directly.
 */
export interface SharedLessons {
  /**
   * Adds a lesson to the log, once per `dedupeKey` (a card's first verdict counts, on whichever replica it
   * arrives). Resolves false for a repeat; rejects when the log cannot take it.
   */
  publish(lesson: Lesson, dedupeKey?: string): Promise<boolean>;
  /**
   * The log from `afterSeq` + 1 on, for as long as it is subscribed; it resumes by itself after an outage.
   * Lessons compacted away since `afterSeq` come as a snapshot first.
   */
  follow(afterSeq: number): Observable<LogEntry>;
  /** Lesson `seq` is applied here; the log may compact what came before, from `snapshot()` (the leader's). */
  applied(seq: number, snapshot: () => Promise<LearnedSnapshot>): void;
  /** The question this card was pushed for, by whichever replica pushed it, if still known (2 hours). */
  questionOf(interactionId: string, articleId: string): Promise<readonly string[] | undefined>;
}

export const SHARED_LESSONS = Symbol('SHARED_LESSONS');
