import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Database from 'better-sqlite3';
import type { AppConfig } from '../config/app-config.js';
import { FeedbackErrorCode, FeedbackException } from './feedback.exception.js';

export const FEEDBACK_DATABASE_FILE = 'feedback.sqlite3';

/**
 * Opens the feedback database under `directory` (created if missing): SQLite in WAL mode, synchronous
 * writes. Shared by the verdicts waiting for delivery, what was learned from them, and the operator's CLI.
 */
export function openFeedbackDatabase(directory: string): Database.Database {
  try {
    mkdirSync(directory, { recursive: true });
    const db = new Database(join(directory, FEEDBACK_DATABASE_FILE));
    db.pragma('journal_mode = WAL');
    // FULL: a verdict acknowledged as stored survives a crash of the process and of the machine.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    throw new FeedbackException(
      FeedbackErrorCode.StoreUnavailable,
      `feedback store at ${directory} cannot be opened: ${(error as Error).message}`,
    );
  }
}

/** The one connection to the feedback database (FEEDBACK_STORE_PATH), closed when the app shuts down. */
@Injectable()
export class FeedbackDatabase implements OnApplicationShutdown {
  readonly db: Database.Database;

  constructor(config: ConfigService<AppConfig, true>) {
    this.db = openFeedbackDatabase(config.get('feedback', { infer: true }).storePath);
  }

  /** Runs the schema statements; a failure names the store, like a failure to open it. */
  migrate(schema: string): void {
    try {
      this.db.exec(schema);
    } catch (error) {
      throw new FeedbackException(
        FeedbackErrorCode.StoreUnavailable,
        `feedback store ${this.db.name} cannot be set up: ${(error as Error).message}`,
      );
    }
  }

  onApplicationShutdown(): void {
    this.close();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
