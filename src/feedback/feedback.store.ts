import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { FeedbackDatabase } from './feedback-database.js';
import type { TrainingFeedback } from './training-feedback.js';

export interface PendingFeedback {
  key: string;
  feedback: TrainingFeedback;
  attempts: number;
}

export interface FeedbackStoreStats {
  pending: number;
  oldestPendingSeconds: number;
  deadLetters: number;
}

/** A delivered verdict's key is remembered this long, so a replay on the stream is not sent again. */
const DELIVERED_MEMORY_MS = 24 * 60 * 60 * 1000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pending (
    key TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT
  );
  CREATE INDEX IF NOT EXISTS pending_due ON pending (next_attempt_at);
  CREATE TABLE IF NOT EXISTS dead_letters (
    key TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    failed_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS delivered (key TEXT PRIMARY KEY, delivered_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS delivered_age ON delivered (delivered_at);
  CREATE INDEX IF NOT EXISTS pending_age ON pending (created_at);
`;

/**
 * The durable verdict store, and nothing else: tables in the feedback database (FEEDBACK_STORE_PATH). A verdict
 * is written here before anything else happens to it and leaves only once CXone took it (or refused it
 * for good, into dead_letters).
 */
@Injectable()
export class FeedbackStore {
  private readonly db: Database.Database;
  private readonly statements;
  /** Counted once at start, then kept in step: readiness and every scrape read them, and COUNT(*) is O(n). */
  private pendingCount: number;
  private deadCount: number;

  constructor(database: FeedbackDatabase) {
    database.migrate(SCHEMA);
    this.db = database.db;
    this.statements = {
      known: this.db.prepare(
        `SELECT 1 FROM pending WHERE key = ? UNION ALL SELECT 1 FROM dead_letters WHERE key = ?
         UNION ALL SELECT 1 FROM delivered WHERE key = ? LIMIT 1`,
      ),
      insert: this.db.prepare('INSERT INTO pending (key, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?)'),
      due: this.db.prepare(
        'SELECT key, payload, attempts FROM pending WHERE next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?',
      ),
      allDue: this.db.prepare('UPDATE pending SET next_attempt_at = ? WHERE next_attempt_at > ?'),
      nextDue: this.db.prepare('SELECT MIN(next_attempt_at) AS at FROM pending'),
      remove: this.db.prepare('DELETE FROM pending WHERE key = ?'),
      isPending: this.db.prepare('SELECT 1 FROM pending WHERE key = ?').pluck(),
      remember: this.db.prepare('INSERT OR REPLACE INTO delivered (key, delivered_at) VALUES (?, ?)'),
      forgetDelivered: this.db.prepare('DELETE FROM delivered WHERE delivered_at < ?'),
      reschedule: this.db.prepare('UPDATE pending SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE key = ?'),
      bury: this.db.prepare(
        `INSERT OR REPLACE INTO dead_letters (key, payload, created_at, failed_at, attempts, reason)
         SELECT key, payload, created_at, ?, ?, ? FROM pending WHERE key = ?`,
      ),
      counts: this.db.prepare(
        'SELECT (SELECT COUNT(*) FROM pending) AS pending, (SELECT COUNT(*) FROM dead_letters) AS dead',
      ),
      // Answered from the pending_age index.
      oldest: this.db.prepare('SELECT MIN(created_at) AS oldest FROM pending'),
    };
    const counts = this.statements.counts.get() as { pending: number; dead: number };
    this.pendingCount = counts.pending;
    this.deadCount = counts.dead;
  }

  /** Stores a new verdict; false when this verdict is already pending, delivered or dead-lettered. */
  add(key: string, feedback: TrainingFeedback, now = Date.now()): boolean {
    const added = this.db.transaction(() => {
      if (this.statements.known.get(key, key, key)) return false;
      this.statements.insert.run(key, JSON.stringify(feedback), now, now);
      return true;
    })();
    if (added) this.pendingCount++;
    return added;
  }

  due(limit: number, now = Date.now()): PendingFeedback[] {
    const rows = this.statements.due.all(now, limit) as { key: string; payload: string; attempts: number }[];
    return rows.map((row) => ({
      key: row.key,
      feedback: JSON.parse(row.payload) as TrainingFeedback,
      attempts: row.attempts,
    }));
  }

  /** Makes every pending verdict due now (at start-up: a restart often follows a fix). */
  makeAllDue(now = Date.now()): void {
    this.statements.allDue.run(now, now);
  }

  /** When the next pending verdict is due, if any is pending. */
  nextDueAt(): number | undefined {
    const row = this.statements.nextDue.get() as { at: number | null };
    return row.at ?? undefined;
  }

  isPending(key: string): boolean {
    return this.statements.isPending.get(key) !== undefined;
  }

  markDelivered(key: string, now = Date.now()): void {
    this.db.transaction(() => {
      this.pendingCount -= this.statements.remove.run(key).changes;
      this.statements.remember.run(key, now);
      this.statements.forgetDelivered.run(now - DELIVERED_MEMORY_MS);
    })();
  }

  reschedule(key: string, attempts: number, nextAttemptAt: number, lastError: string): void {
    this.statements.reschedule.run(attempts, nextAttemptAt, lastError.slice(0, 500), key);
  }

  deadLetter(key: string, attempts: number, reason: string, now = Date.now()): void {
    this.db.transaction(() => {
      this.statements.bury.run(now, attempts, reason.slice(0, 500), key);
      const removed = this.statements.remove.run(key).changes;
      this.pendingCount -= removed;
      this.deadCount += removed;
    })();
  }

  stats(now = Date.now()): FeedbackStoreStats {
    const { oldest } = this.statements.oldest.get() as { oldest: number | null };
    return {
      pending: this.pendingCount,
      oldestPendingSeconds: oldest === null ? 0 : Math.max(0, Math.floor((now - oldest) / 1000)),
      deadLetters: this.deadCount,
    };
  }
}
