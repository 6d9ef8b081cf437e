import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigService } from '@nestjs/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { FeedbackDatabase } from './feedback-database.js';
import { FeedbackStore } from './feedback.store.js';
import type { TrainingFeedback } from './training-feedback.js';

export function storeConfig(storePath: string): ConfigService<AppConfig, true> {
  return { get: () => ({ storePath, maxPending: 1000 }) } as unknown as ConfigService<AppConfig, true>;
}

const verdict = (insightId: string): TrainingFeedback => ({
  interactionId: 'call-1',
  insightId,
  action: 'ACCEPTED',
  timestamp: '2026-11-24T10:00:00.000Z',
});

describe(FeedbackStore.name, () => {
  let directory: string;
  let database: FeedbackDatabase;
  let sut: FeedbackStore;
  const open = () => {
    database = new FeedbackDatabase(storeConfig(directory));
    sut = new FeedbackStore(database);
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'feedback-store-'));
    open();
  });

  afterEach(() => database.close());

  it('keeps what it stored across a reopen (the process restarting)', () => {
    expect(sut.add('k1', verdict('a'), 1000)).toBe(true);
    database.close();
    open();
    expect(sut.due(10, 1000)).toEqual([{ key: 'k1', feedback: verdict('a'), attempts: 0 }]);
  });

  it('keeps its pending and dead-letter counts in step with the tables, and recounts them on reopen', () => {
    for (const key of ['k1', 'k2', 'k3', 'k4']) sut.add(key, verdict(key), 1000);
    sut.add('k1', verdict('k1'), 1000); // a duplicate changes nothing
    sut.markDelivered('k2');
    sut.markDelivered('k2'); // twice: counted once
    sut.deadLetter('k3', 3, 'HTTP 422');
    sut.deadLetter('k3', 3, 'HTTP 422');
    expect(sut.stats(61_000)).toEqual({ pending: 2, deadLetters: 1, oldestPendingSeconds: 60 });

    database.close();
    open();
    expect(sut.stats(61_000)).toEqual({ pending: 2, deadLetters: 1, oldestPendingSeconds: 60 });
  });

  it('stores a verdict once, whether pending, delivered or dead-lettered', () => {
    expect(sut.add('k1', verdict('a'))).toBe(true);
    expect(sut.add('k1', verdict('a'))).toBe(false);
    sut.markDelivered('k1');
    expect(sut.add('k1', verdict('a'))).toBe(false);
    sut.add('k2', verdict('b'));
    sut.deadLetter('k2', 1, 'HTTP 400');
    expect(sut.add('k2', verdict('b'))).toBe(false);
  });

  it('hands out due verdicts oldest first and honours the reschedule time', () => {
    sut.add('k1', verdict('a'), 1000);
    sut.add('k2', verdict('b'), 2000);
    expect(sut.due(10, 2000).map((entry) => entry.key)).toEqual(['k1', 'k2']);
    sut.reschedule('k1', 1, 5000, 'HTTP 503');
    expect(sut.due(10, 4999).map((entry) => entry.key)).toEqual(['k2']);
    expect(sut.nextDueAt()).toBe(2000);
    expect(sut.due(10, 5000)).toEqual([
      { key: 'k2', feedback: verdict('b'), attempts: 0 },
      { key: 'k1', feedback: verdict('a'), attempts: 1 },
    ]);
    expect(sut.due(1, 5000)).toHaveLength(1);
  });

  it('reports backlog, oldest pending age and dead letters', () => {
    expect(sut.stats(10_000)).toEqual({ pending: 0, oldestPendingSeconds: 0, deadLetters: 0 });
    sut.add('k1', verdict('a'), 1000);
    sut.add('k2', verdict('b'), 4000);
    sut.add('k3', verdict('c'), 5000);
    sut.deadLetter('k3', 2, 'HTTP 422');
    sut.markDelivered('k2');
    expect(sut.stats(61_000)).toEqual({ pending: 1, oldestPendingSeconds: 60, deadLetters: 1 });
    expect(sut.nextDueAt()).toBe(1000);
    sut.markDelivered('k1');
    expect(sut.nextDueAt()).toBeUndefined();
  });

  it('refuses to start on a store path it cannot write, naming the path', () => {
    const file = join(directory, 'not-a-directory');
    writeFileSync(file, '');
    expect(() => new FeedbackDatabase(storeConfig(join(file, 'store')))).toThrow(/feedback store at .*not-a-directory/);
  });
});
