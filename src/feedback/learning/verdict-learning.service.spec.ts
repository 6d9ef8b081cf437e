import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigService } from '@nestjs/config';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../../common/counters.js';
import type { AppConfig } from '../../config/app-config.js';
import type { Article } from '../../domain/article.js';
import type { InsightVerdictEvent } from '../../domain/events.js';
import { FeedbackDatabase } from '../feedback-database.js';
import { LearnedVerdictsStore } from './learned-verdicts.store.js';
import { VerdictLearning } from './verdict-learning.service.js';

const config = (storePath: string, maxLearned = 1000) =>
  ({ get: () => ({ storePath, maxPending: 1000, maxLearned }) }) as unknown as ConfigService<AppConfig, true>;

const article = (id: string, score?: number): Article => ({
  id,
  title: id,
  body: `About ${id}`,
  url: `https://kb.example.com/${id}`,
  ...(score === undefined ? {} : { score }),
});

const verdict = (interactionId: string, insightId: string, accepted: boolean): InsightVerdictEvent => ({
  type: accepted ? 'INSIGHT_ACCEPTED' : 'INSIGHT_REJECTED',
  interactionId,
  insightId,
});

/** "I need to reset my voicemail PIN" and "I was charged an overdraft fee, can you refund it": their stems. */
const VOICEMAIL = ['reset', 'voicemail', 'pin'];
const OVERDRAFT = ['charg', 'overdraft', 'fee', 'refund'];

describe(VerdictLearning.name, () => {
  let directory: string;
  let databases: FeedbackDatabase[];
  let counters: Counters;
  let sut: VerdictLearning;

  const start = (maxLearned = 1000) => {
    const database = new FeedbackDatabase(config(directory, maxLearned));
    databases.push(database);
    counters = new Counters();
    sut = new VerdictLearning(database, counters, config(directory, maxLearned));
  };
  const ids = (articles: Article[]) => articles.map((found) => found.id);
  let calls = 0;
  /** One call: the cards are pushed for the question, then the agent says what they think of one. */
  const agentSays = (question: string[], pushed: string[], insightId: string, accepted: boolean) => {
    const interactionId = `call-${++calls}`;
    sut.cardsPushed(interactionId, question, pushed);
    sut.learn(verdict(interactionId, insightId, accepted));
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'verdict-learning-'));
    databases = [];
    start();
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    for (const database of databases) database.close();
  });

  const hits = () => [article('kb-pin-policy', 0.8), article('kb-voicemail', 0.5), article('kb-fees', 0.3)];

  it('ranks a fresh search as it came while nothing is learned', () => {
    const articles = hits();
    expect(sut.rank(VOICEMAIL, articles)).toEqual(articles);
    expect(sut.size).toBe(0);
  });

  it('does not learn a verdict on a card it never pushed, nor a second verdict on one card', () => {
    sut.learn(verdict('call-x', 'kb-voicemail', true));
    expect(counters.get('verdicts_not_learned')).toBe(1);
    expect(sut.size).toBe(0);
    expect(sut.rank(VOICEMAIL, hits())).toEqual(hits());

    sut.cardsPushed('call-1', VOICEMAIL, ['kb-pin-policy', 'kb-voicemail']);
    sut.learn(verdict('call-1', 'kb-fees', true)); // in the call, but never pushed there
    sut.learn(verdict('call-2', 'kb-voicemail', true)); // pushed, but in another call
    expect(counters.get('verdicts_not_learned')).toBe(3);
    expect(sut.size).toBe(0);

    sut.learn(verdict('call-1', 'kb-voicemail', true));
    const once = sut.rank(VOICEMAIL, hits());
    sut.learn(verdict('call-1', 'kb-voicemail', true)); // the agent clicks again
    sut.learn(verdict('call-1', 'kb-voicemail', false)); // or changes their mind
    expect(sut.rank(VOICEMAIL, hits())).toEqual(once);
    expect(counters.get('verdicts_learned{action="ACCEPTED"}')).toBe(1);
    expect(counters.get('verdicts_learned{action="REJECTED"}')).toBe(0);
    expect(counters.get('verdicts_not_learned')).toBe(5);
  });

  it('ranks an accepted card above a stronger one for the same question', () => {
    agentSays(VOICEMAIL, ['kb-pin-policy', 'kb-voicemail'], 'kb-voicemail', true);

    const ranked = sut.rank(['voicemail', 'pin', 'reset'], hits());
    expect(ids(ranked)).toEqual(['kb-voicemail', 'kb-pin-policy', 'kb-fees']);
    expect(ranked[0].score).toBeGreaterThan(0.8);
    expect(ranked.slice(1)).toEqual([article('kb-pin-policy', 0.8), article('kb-fees', 0.3)]);
    expect(counters.get('verdicts_learned{action="ACCEPTED"}')).toBe(1);
    expect(sut.size).toBe(1);
  });

  it('sinks a card rejected again and again, further with each rejection', () => {
    const scores: number[] = [];
    for (let i = 0; i < 3; i++) {
      agentSays(VOICEMAIL, ['kb-pin-policy'], 'kb-pin-policy', false);
      scores.push(sut.rank(VOICEMAIL, hits()).find((found) => found.id === 'kb-pin-policy')!.score!);
    }
    expect(scores[0]).toBeLessThan(0.8 / 2);
    expect(scores[1]).toBeLessThan(scores[0]);
    expect(scores[2]).toBeLessThan(scores[1]);
    expect(ids(sut.rank(VOICEMAIL, hits()))).toEqual(['kb-voicemail', 'kb-fees', 'kb-pin-policy']);
    expect(counters.get('verdicts_learned{action="REJECTED"}')).toBe(3);
    expect(sut.size).toBe(1); // one question, one article: one case
  });

  it('leaves a different question alone', () => {
    agentSays(VOICEMAIL, ['kb-pin-policy'], 'kb-pin-policy', false);
    agentSays(VOICEMAIL, ['kb-fees'], 'kb-fees', true);

    expect(sut.rank(OVERDRAFT, hits())).toEqual(hits());
    expect(sut.rank(['reset', 'online', 'password'], hits())).toEqual(hits()); // shares one word only
  });

  it('keeps what it learned across a restart, but not the cards pushed before it', () => {
    agentSays(VOICEMAIL, ['kb-pin-policy', 'kb-voicemail'], 'kb-voicemail', true);
    sut.cardsPushed('call-before', OVERDRAFT, ['kb-fees']);
    const before = sut.rank(VOICEMAIL, hits());
    databases[0].close();

    start();
    expect(sut.size).toBe(1);
    expect(sut.rank(VOICEMAIL, hits())).toEqual(before);
    sut.learn(verdict('call-before', 'kb-fees', true));
    expect(counters.get('verdicts_not_learned')).toBe(1);
    expect(sut.size).toBe(1);
  });

  it("takes in a reset made through another connection (the operator's CLI) within a second", () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    agentSays(VOICEMAIL, ['kb-voicemail'], 'kb-voicemail', true);
    agentSays(OVERDRAFT, ['kb-fees'], 'kb-fees', true);
    expect(ids(sut.rank(VOICEMAIL, hits()))[0]).toBe('kb-voicemail');

    const operator = new FeedbackDatabase(config(directory));
    databases.push(operator);
    expect(new LearnedVerdictsStore(operator, 1000).reset({ articleId: 'kb-voicemail' })).toBe(1);

    vi.advanceTimersByTime(999);
    expect(ids(sut.rank(VOICEMAIL, hits()))[0]).toBe('kb-voicemail'); // not looked again yet: once a second
    vi.advanceTimersByTime(1);
    expect(sut.rank(VOICEMAIL, hits())).toEqual(hits());
    // What was not reset still counts.
    expect(ids(sut.rank(OVERDRAFT, hits()))).toEqual(['kb-pin-policy', 'kb-fees', 'kb-voicemail']);
    expect(sut.size).toBe(1);
  });

  it('orders articles without scores by the verdicts alone, keeping the source order among equals', () => {
    const unscored = ['kb-a', 'kb-b', 'kb-c', 'kb-d'].map((id) => article(id));
    agentSays(VOICEMAIL, ['kb-a', 'kb-d'], 'kb-d', true);
    agentSays(VOICEMAIL, ['kb-a', 'kb-d'], 'kb-a', false);

    const ranked = sut.rank(VOICEMAIL, unscored);
    expect(ids(ranked)).toEqual(['kb-d', 'kb-b', 'kb-c', 'kb-a']);
    expect(ranked.every((found) => found.score === undefined)).toBe(true);
  });

  it('forgets the cases its bound drops, in memory as in the store', () => {
    start(1);
    vi.useFakeTimers({ toFake: ['Date'] });
    agentSays(VOICEMAIL, ['kb-voicemail'], 'kb-voicemail', true);
    vi.advanceTimersByTime(1000);
    agentSays(OVERDRAFT, ['kb-fees'], 'kb-fees', true);

    expect(sut.size).toBe(1);
    expect(sut.rank(VOICEMAIL, hits())).toEqual(hits());
    expect(ids(sut.rank(OVERDRAFT, hits()))).toEqual(['kb-pin-policy', 'kb-fees', 'kb-voicemail']);
  });

  it('does not learn a verdict that comes more than 2 hours after its card', () => {
    // The pushed cards expire on the monotonic clock: fake it, and the timers that go with it.
    let now = performance.now();
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const later = (ms: number) => {
      now += ms;
      vi.advanceTimersByTime(ms);
    };
    sut.cardsPushed('call-1', VOICEMAIL, ['kb-voicemail']);
    sut.cardsPushed('call-2', VOICEMAIL, ['kb-voicemail']);
    later(2 * 60 * 60 * 1000 - 1000);
    sut.learn(verdict('call-1', 'kb-voicemail', true));
    later(2000);
    sut.learn(verdict('call-2', 'kb-voicemail', true));

    expect(counters.get('verdicts_learned{action="ACCEPTED"}')).toBe(1);
    expect(counters.get('verdicts_not_learned')).toBe(1);
  });

  it('counts a verdict it cannot store as not learned instead of throwing into the verdict stream', () => {
    sut.cardsPushed('call-1', VOICEMAIL, ['kb-voicemail']);
    databases[0].close(); // the store fails: disk full, database locked…

    expect(() => sut.learn(verdict('call-1', 'kb-voicemail', true))).not.toThrow();
    expect(counters.get('verdicts_not_learned')).toBe(1);
    expect(counters.get('verdicts_learned{action="ACCEPTED"}')).toBe(0);
  });
});
