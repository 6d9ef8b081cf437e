import type Database from 'better-sqlite3';
import type { FeedbackDatabase } from '../feedback-database.js';
import type { Lesson } from './shared-lessons.js';
import type { LearnedCase } from './similar-questions.js';

export type LearnedVerdict = 'ACCEPTED' | 'REJECTED';

/** Which cases an operator looks at or resets: all, those of one article, or those with one word. */
export interface CaseFilter {
  articleId?: string;
  term?: string;
}

export interface StoredCase extends LearnedCase {
  updatedAt: number;
}

/** A case's counts stop growing here, so what agents say from now on can still turn it. */
export const MAX_COUNT = 100;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS learned_verdicts (
    terms TEXT NOT NULL,
    article_id TEXT NOT NULL,
    accepted INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (terms, article_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS learned_age ON learned_verdicts (updated_at);
  CREATE TABLE IF NOT EXISTS learning_log_position (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
  );
`;

interface Row {
  terms: string;
  articleId: string;
  accepted: number;
  rejected: number;
  updatedAt: number;
}

/**
 * What was learned from verdicts, in the feedback database beside the verdicts themselves: one row per
 * (question terms, article) with how often its card was accepted and rejected. Survives restarts;
 * bounded to `maxCases` rows, the least recently confirmed going first; `npm run learning` inspects and
 * resets it, also while the service runs (see `changedElsewhere`).
 */
export class LearnedVerdictsStore {
  private readonly db: Database.Database;
  private readonly statements;
  private dataVersion: number;
  private dataVersionStatement?: Database.Statement;

  constructor(
    database: FeedbackDatabase,
    private readonly maxCases: number,
  ) {
    database.migrate(SCHEMA);
    this.db = database.db;
    const columns = 'terms, article_id AS articleId, accepted, rejected, updated_at AS updatedAt';
    const matching = `(@articleId IS NULL OR article_id = @articleId)
      AND (@term IS NULL OR ' ' || terms || ' ' LIKE '% ' || @term || ' %')`;
    this.statements = {
      upsert: this.db.prepare(
        `INSERT INTO learned_verdicts (terms, article_id, accepted, rejected, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (terms, article_id) DO UPDATE SET
           accepted = MIN(accepted + excluded.accepted, ${MAX_COUNT}),
           rejected = MIN(rejected + excluded.rejected, ${MAX_COUNT}),
           updated_at = excluded.updated_at
         RETURNING ${columns}`,
      ),
      all: this.db.prepare(`SELECT ${columns} FROM learned_verdicts`),
      count: this.db.prepare('SELECT COUNT(*) AS n FROM learned_verdicts'),
      // Never the case just stored, even when its time ties with others' or the clock stepped back.
      oldest: this.db.prepare(
        `SELECT ${columns} FROM learned_verdicts WHERE NOT (terms = ? AND article_id = ?) ORDER BY updated_at LIMIT ?`,
      ),
      remove: this.db.prepare('DELETE FROM learned_verdicts WHERE terms = ? AND article_id = ?'),
      list: this.db.prepare(
        `SELECT ${columns} FROM learned_verdicts WHERE ${matching}
         ORDER BY accepted + rejected DESC, updated_at DESC LIMIT @limit`,
      ),
      reset: this.db.prepare(`DELETE FROM learned_verdicts WHERE ${matching}`),
      insert: this.db.prepare(
        'INSERT OR REPLACE INTO learned_verdicts (terms, article_id, accepted, rejected, updated_at) VALUES (?, ?, ?, ?, ?)',
      ),
      trim: this.db.prepare(
        `DELETE FROM learned_verdicts WHERE (terms, article_id) IN
           (SELECT terms, article_id FROM learned_verdicts ORDER BY updated_at LIMIT ?)`,
      ),
      page: this.db.prepare(
        `SELECT ${columns} FROM learned_verdicts WHERE (terms, article_id) > (?, ?) ORDER BY terms, article_id LIMIT ?`,
      ),
      position: this.db.prepare('SELECT seq FROM learning_log_position WHERE id = 1').pluck(),
      advance: this.db.prepare(
        'INSERT INTO learning_log_position (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq',
      ),
    };
    this.dataVersion = this.readDataVersion();
  }

  /** Adds one verdict to its case; returns the case as stored and the cases dropped to stay in bound. */
  add(
    terms: readonly string[],
    articleId: string,
    verdict: LearnedVerdict,
    now = Date.now(),
  ): { stored: StoredCase; dropped: StoredCase[] } {
    const accepted = verdict === 'ACCEPTED' ? 1 : 0;
    return this.db.transaction(() => {
      const row = this.statements.upsert.get(terms.join(' '), articleId, accepted, 1 - accepted, now) as Row;
      const excess = (this.statements.count.get() as { n: number }).n - this.maxCases;
      const dropped =
        excess > 0 ? (this.statements.oldest.all(row.terms, row.articleId, excess) as Row[]).map(toCase) : [];
      for (const old of dropped) this.statements.remove.run(old.terms.join(' '), old.articleId);
      // No data_version read here: own writes never change it, and reading it would swallow a change
      // another connection committed since `changedElsewhere` last looked.
      return { stored: toCase(row), dropped };
    })();
  }

  /**
   * Applies the cluster's lesson number `seq` once: with the log position in the same transaction, a
   * lesson replayed after a restart or a reconnection changes nothing. Undefined when already applied.
   */
  applyShared(seq: number, lesson: Lesson): { stored?: StoredCase; dropped: StoredCase[]; reset: number } | undefined {
    return this.db.transaction(() => {
      if (seq <= this.appliedSeq()) return undefined;
      this.statements.advance.run(seq);
      if (lesson.kind === 'reset') return { dropped: [], reset: this.reset(lesson.filter) };
      return { ...this.add(lesson.terms, lesson.articleId, lesson.verdict, lesson.at), reset: 0 };
    })();
  }

  /** Up to `limit` cases after `after`, in key order: a snapshot read a page at a time. */
  casesAfter(after: Pick<StoredCase, 'terms' | 'articleId'> | undefined, limit: number): StoredCase[] {
    const rows = this.statements.page.all(after?.terms.join(' ') ?? '', after?.articleId ?? '', limit) as Row[];
    return rows.map(toCase);
  }

  /** Replaces every case by a snapshot's, at its log position (a replica behind the log's compaction). */
  restore(seq: number, cases: readonly StoredCase[]): void {
    this.db.transaction(() => {
      this.statements.reset.run(toParameters({}));
      for (const learned of cases) {
        const { terms, articleId, accepted, rejected, updatedAt } = learned;
        this.statements.insert.run(terms.join(' '), articleId, accepted, rejected, updatedAt);
      }
      const excess = (this.statements.count.get() as { n: number }).n - this.maxCases;
      if (excess > 0) this.statements.trim.run(excess);
      this.statements.advance.run(seq);
    })();
  }

  /** The last lesson of the cluster's log applied here (0: none). */
  appliedSeq(): number {
    return (this.statements.position.get() as number | undefined) ?? 0;
  }

  all(): StoredCase[] {
    return (this.statements.all.all() as Row[]).map(toCase);
  }

  /** The cases with the most verdicts first. */
  list(filter: CaseFilter = {}, limit = 50): StoredCase[] {
    return (this.statements.list.all({ ...toParameters(filter), limit }) as Row[]).map(toCase);
  }

  /** Forgets what was learned (all of it, or what the filter selects); returns how many cases went. */
  reset(filter: CaseFilter = {}): number {
    return this.statements.reset.run(toParameters(filter)).changes;
  }

  get size(): number {
    return (this.statements.count.get() as { n: number }).n;
  }

  /** True when another connection (the operator's CLI) changed the database since this one last looked. */
  changedElsewhere(): boolean {
    const version = this.readDataVersion();
    if (version === this.dataVersion) return false;
    this.dataVersion = version;
    return true;
  }

  private readDataVersion(): number {
    // Prepared once: it runs before every search.
    this.dataVersionStatement ??= this.db.prepare('PRAGMA data_version').pluck();
    return this.dataVersionStatement.get() as number;
  }
}

function toCase(row: Row): StoredCase {
  return {
    terms: row.terms.split(' ').filter(Boolean),
    articleId: row.articleId,
    accepted: row.accepted,
    rejected: row.rejected,
    updatedAt: row.updatedAt,
  };
}

function toParameters(filter: CaseFilter): { articleId: string | null; term: string | null } {
  return { articleId: filter.articleId ?? null, term: filter.term ?? null };
}
