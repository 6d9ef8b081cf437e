import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigService } from '@nestjs/config';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../config/app-config.js';
import { FeedbackDatabase, openFeedbackDatabase } from '../feedback-database.js';
import { LearnedVerdictsStore, MAX_COUNT } from './learned-verdicts.store.js';

const config = (storePath: string) =>
  ({ get: () => ({ storePath, maxPending: 1000, maxLearned: 1000 }) }) as unknown as ConfigService<AppConfig, true>;

const VOICEMAIL = ['pin', 'reset', 'voicemail'];
const OVERDRAFT = ['fee', 'overdraft', 'refund'];

describe(LearnedVerdictsStore.name, () => {
  let directory: string;
  let database: FeedbackDatabase;
  let sut: LearnedVerdictsStore;
  const others: Database.Database[] = [];
  const open = (maxCases = 1000) => {
    database = new FeedbackDatabase(config(directory));
    sut = new LearnedVerdictsStore(database, maxCases);
  };
  /** Another connection to the same database, as the operator's CLI opens it. */
  const otherConnection = () => {
    const db = openFeedbackDatabase(directory);
    others.push(db);
    return db;
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'learned-verdicts-'));
    open();
  });

  afterEach(() => {
    for (const db of others.splice(0)) db.close();
    database.close();
  });

  it('keeps what it learned across a reopen (the process restarting)', () => {
    sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED', 1000);
    sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED', 2000);
    sut.add(VOICEMAIL, 'kb-voicemail', 'REJECTED', 3000);
    sut.add(OVERDRAFT, 'kb-overdraft', 'REJECTED', 4000);
    database.close();

    open();
    expect(sut.size).toBe(2);
    expect(sut.all()).toEqual(
      expect.arrayContaining([
        { terms: VOICEMAIL, articleId: 'kb-voicemail', accepted: 2, rejected: 1, updatedAt: 3000 },
        { terms: OVERDRAFT, articleId: 'kb-overdraft', accepted: 0, rejected: 1, updatedAt: 4000 },
      ]),
    );
  });

  it('returns the case as stored after each verdict, one case per (question, article)', () => {
    expect(sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED', 1000)).toEqual({
      stored: { terms: VOICEMAIL, articleId: 'kb-voicemail', accepted: 1, rejected: 0, updatedAt: 1000 },
      dropped: [],
    });
    expect(sut.add(VOICEMAIL, 'kb-other', 'REJECTED', 2000).stored).toMatchObject({ accepted: 0, rejected: 1 });
    expect(sut.add(['voicemail'], 'kb-voicemail', 'ACCEPTED', 3000).stored).toMatchObject({ accepted: 1 });
    expect(sut.size).toBe(3);
  });

  it(`stops counting at MAX_COUNT (${MAX_COUNT}), so later verdicts can still turn a case`, () => {
    for (let i = 0; i < MAX_COUNT + 5; i++) sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED', i);
    const { stored } = sut.add(VOICEMAIL, 'kb-voicemail', 'REJECTED', 1000);
    expect(stored).toMatchObject({ accepted: MAX_COUNT, rejected: 1 });
    expect(sut.all()[0]).toMatchObject({ accepted: MAX_COUNT, rejected: 1 });
  });

  it('stays within its bound by dropping the least recently updated cases, and reports them', () => {
    open(3);
    sut.add(['a'], 'kb-1', 'ACCEPTED', 1000);
    sut.add(['b'], 'kb-1', 'ACCEPTED', 2000);
    sut.add(['c'], 'kb-1', 'ACCEPTED', 3000);
    sut.add(['a'], 'kb-1', 'REJECTED', 4000); // confirmed again: now the newest

    const { dropped } = sut.add(['d'], 'kb-1', 'ACCEPTED', 5000);
    expect(dropped).toEqual([{ terms: ['b'], articleId: 'kb-1', accepted: 1, rejected: 0, updatedAt: 2000 }]);
    expect(sut.size).toBe(3);
    expect(
      sut
        .all()
        .map((learned) => learned.terms[0])
        .sort(),
    ).toEqual(['a', 'c', 'd']);
  });

  it('never drops the case it has just stored, even when the clock ties or steps back', () => {
    open(2);
    sut.add(['b'], 'kb-1', 'ACCEPTED', 1000);
    sut.add(['c'], 'kb-1', 'ACCEPTED', 1000);

    const tie = sut.add(['a'], 'kb-1', 'ACCEPTED', 1000); // "a" sorts first among equal times
    expect(tie.dropped.map((old) => old.terms[0])).not.toContain('a');
    const back = sut.add(['e'], 'kb-1', 'ACCEPTED', 500); // the clock stepped back
    expect(back.dropped.map((old) => old.terms[0])).not.toContain('e');
    expect(sut.all().map((learned) => learned.terms[0])).toContain('e');
    expect(sut.size).toBe(2);
  });

  describe('list and reset', () => {
    beforeEach(() => {
      sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED', 1000);
      sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED', 1100);
      sut.add(VOICEMAIL, 'kb-voicemail', 'REJECTED', 1200);
      sut.add(['pin', 'voicemail'], 'kb-voicemail', 'ACCEPTED', 2000);
      sut.add(VOICEMAIL, 'kb-pin-policy', 'REJECTED', 3000);
      sut.add(VOICEMAIL, 'kb-pin-policy', 'REJECTED', 3100);
      sut.add(['feedback', 'form'], 'kb-feedback', 'ACCEPTED', 4000);
      sut.add(OVERDRAFT, 'kb-overdraft', 'ACCEPTED', 5000);
    });

    const described = (cases: ReturnType<LearnedVerdictsStore['list']>) =>
      cases.map((learned) => `${learned.terms.join(' ')} → ${learned.articleId}`);

    it('lists the cases with the most verdicts first (the newer first among equals), up to the limit', () => {
      expect(described(sut.list())).toEqual([
        'pin reset voicemail → kb-voicemail',
        'pin reset voicemail → kb-pin-policy',
        'fee overdraft refund → kb-overdraft',
        'feedback form → kb-feedback',
        'pin voicemail → kb-voicemail',
      ]);
      expect(described(sut.list({}, 2))).toHaveLength(2);
    });

    it('lists the cases of one article, or those whose question has one word (whole words only)', () => {
      expect(described(sut.list({ articleId: 'kb-voicemail' }))).toEqual([
        'pin reset voicemail → kb-voicemail',
        'pin voicemail → kb-voicemail',
      ]);
      expect(described(sut.list({ term: 'pin' }))).toEqual([
        'pin reset voicemail → kb-voicemail',
        'pin reset voicemail → kb-pin-policy',
        'pin voicemail → kb-voicemail',
      ]);
      expect(described(sut.list({ term: 'fee' }))).toEqual(['fee overdraft refund → kb-overdraft']); // not "feedback"
      expect(described(sut.list({ term: 'pin', articleId: 'kb-pin-policy' }))).toEqual([
        'pin reset voicemail → kb-pin-policy',
      ]);
      expect(sut.list({ articleId: 'kb-unknown' })).toEqual([]);
    });

    it('resets the cases of one article, or of one word, and says how many went', () => {
      expect(sut.reset({ articleId: 'kb-voicemail' })).toBe(2);
      expect(described(sut.all()).sort()).toEqual([
        'fee overdraft refund → kb-overdraft',
        'feedback form → kb-feedback',
        'pin reset voicemail → kb-pin-policy',
      ]);

      expect(sut.reset({ term: 'fee' })).toBe(1);
      expect(described(sut.all()).sort()).toEqual([
        'feedback form → kb-feedback',
        'pin reset voicemail → kb-pin-policy',
      ]);
      expect(sut.reset({ term: 'nothing' })).toBe(0);
      expect(sut.size).toBe(2);
    });

    it('resets everything without a filter', () => {
      expect(sut.reset()).toBe(5);
      expect(sut.size).toBe(0);
      expect(sut.list()).toEqual([]);
    });
  });

  describe('changedElsewhere', () => {
    it('is false after its own writes, true once after another connection wrote', () => {
      sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED');
      sut.reset({ articleId: 'kb-unknown' });
      expect(sut.changedElsewhere()).toBe(false);

      otherConnection().prepare('DELETE FROM learned_verdicts').run();
      expect(sut.changedElsewhere()).toBe(true);
      expect(sut.changedElsewhere()).toBe(false); // it has looked now
    });

    it('is false while another connection only reads', () => {
      sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED');
      otherConnection().prepare('SELECT * FROM learned_verdicts').all();
      expect(sut.changedElsewhere()).toBe(false);
    });

    it("still reports another connection's write after writing itself since", () => {
      sut.add(VOICEMAIL, 'kb-voicemail', 'ACCEPTED');
      otherConnection().prepare('DELETE FROM learned_verdicts').run();
      sut.add(OVERDRAFT, 'kb-overdraft', 'ACCEPTED');
      expect(sut.changedElsewhere()).toBe(true);
    });
  });

  it("restores a snapshot in place of every case, within its own bound, at the snapshot's log position", () => {
    database.close();
    open(2);
    sut.add(['stale'], 'kb-old', 'ACCEPTED', 500);
    const snapshot = [
      { terms: VOICEMAIL, articleId: 'kb-voicemail', accepted: 3, rejected: 1, updatedAt: 3000 },
      { terms: OVERDRAFT, articleId: 'kb-fees', accepted: 0, rejected: 2, updatedAt: 1000 },
      { terms: OVERDRAFT, articleId: 'kb-refund', accepted: 5, rejected: 0, updatedAt: 2000 },
    ];

    sut.restore(42, snapshot);

    expect(
      sut
        .all()
        .map((learned) => learned.articleId)
        .sort(),
    ).toEqual(['kb-refund', 'kb-voicemail']);
    expect(sut.all().find((learned) => learned.articleId === 'kb-voicemail')).toMatchObject({
      accepted: 3,
      rejected: 1,
    });
    expect(sut.appliedSeq()).toBe(42);
    const first = sut.casesAfter(undefined, 1);
    expect([...first, ...sut.casesAfter(first[0], 5)].map((learned) => learned.articleId)).toEqual([
      'kb-refund',
      'kb-voicemail',
    ]);
  });
});
