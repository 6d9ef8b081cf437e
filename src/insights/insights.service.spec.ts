import type { ConfigService } from '@nestjs/config';
import { type Observable, of, Subject, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import type { Utterance } from '../domain/utterance.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { AssistCard } from '../domain/card.js';
import type { CardSink } from './card-sink.js';
import { InsightsService } from './insights.service.js';

const T0 = Date.parse('2026-11-24T10:00:00Z');

const utterance = (interactionId = 'i-1', seq = 1): Utterance => ({
  interactionId,
  seq,
  text: 'how do I reset my voicemail pin',
  speaker: 'CUSTOMER',
  reason: 'silence',
  startedAt: T0 - 2000,
  flushedAt: T0,
  fragments: 2,
});

const article = (id: string, score = 0.5) => ({
  id,
  title: `Title ${id}`,
  body: `<p>Body of ${id}</p>`,
  url: `https://kb.example.com/articles/${id}`,
  score,
});

const ids = (cards: AssistCard[]) => cards.map((card) => card.id);

describe(InsightsService.name, () => {
  let sut: InsightsService;
  let push: Mock<(interactionId: string, cards: AssistCard[]) => Observable<void>>;
  let counters: Counters;

  function create(knowledge: Partial<AppConfig['knowledge']> = {}): InsightsService {
    const values: Pick<AppConfig, 'knowledge' | 'buffer' | 'assist'> = {
      knowledge: {
        provider: 'cxone',
        language: 'en-US',
        pageSize: 5,
        minScore: 0,
        confidentScore: 0,
        relativeScore: 0,
        statementScore: 0,
        maxInFlight: 4,
        maxQueued: 100,
        expert: { siteUrl: '', key: '', secret: '', user: '', cacheTtlMs: 0, cacheMaxEntries: 0 },
        querySpeakers: ['CUSTOMER'],
        ...knowledge,
      },
      buffer: { silenceMs: 3000, maxMs: 10_000, maxUtteranceChars: 4000, maxInteractions: 100 },
      assist: { cardDeadlineMs: 10_000, redactPii: true },
    };
    const config = { get: (key: keyof typeof values) => values[key] } as unknown as ConfigService<AppConfig, true>;
    return new InsightsService({ push } as unknown as CardSink, counters, config);
  }

  /** Pushes and reports how it ended. */
  function pushed(u: Utterance, cards: AssistCard[]) {
    const outcome = { completed: false, error: undefined as unknown };
    sut.push(u, cards).subscribe({
      complete: () => (outcome.completed = true),
      error: (error: unknown) => (outcome.error = error),
    });
    return outcome;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    push = vi.fn(() => of(undefined));
    counters = new Counters();
    sut = create();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('drops entries scoring below minScore and numbers the rest by rank', () => {
    sut = create({ minScore: 0.5 });
    const cards = sut.toCards(utterance(), [article('a', 0.9), article('b', 0.4), article('c', 0.5)]);
    expect(cards.map((card) => [card.id, card.priority, card.interactionId])).toEqual([
      ['a', 1, 'i-1'],
      ['c', 2, 'i-1'],
    ]);
  });

  it('makes at most pageSize cards', () => {
    sut = create({ pageSize: 2 });
    const cards = sut.toCards(utterance(), [article('a'), article('b'), article('c'), article('d')]);
    expect(ids(cards)).toEqual(['a', 'b']);
  });

  it('pushes the cards for the utterance interaction and counts them', () => {
    const cards = sut.toCards(utterance('i-7'), [article('a'), article('b')]);
    expect(pushed(utterance('i-7'), cards)).toEqual({ completed: true, error: undefined });
    expect(push).toHaveBeenCalledExactlyOnceWith('i-7', cards);
    expect(counters.get('cards_pushed')).toBe(2);
  });

  it('does not offer an article again to the interaction it was pushed to, but does to another one', () => {
    sut = create({ pageSize: 2 });
    const entities = [article('a'), article('b'), article('c')];
    const first = sut.toCards(utterance('i-1'), entities);
    pushed(utterance('i-1'), first);

    const news = sut.toCards(utterance('i-1', 2), [article('d', 0.9), ...entities]);
    expect(ids(news)).toEqual(['d', 'c']);
    expect(news.map((card) => card.priority)).toEqual([1, 2]);
    expect(ids(sut.toCards(utterance('i-2'), entities))).toEqual(['a', 'b']);
  });

  it('offers nothing when the best hit is already on the agent screen: the weaker rest are leftovers', () => {
    const entities = [article('a', 0.8), article('b', 0.7), article('c', 0.6)];
    pushed(utterance('i-1'), sut.toCards(utterance('i-1'), entities.slice(0, 1)));

    expect(sut.toCards(utterance('i-1', 2), entities)).toEqual([]);
    expect(counters.snapshot()).toMatchObject({ 'searches_without_cards{cause="already-shown"}': 1 });
  });

  it('keeps only hits near the best one, and nothing unless the best one is confident', () => {
    sut = create({ confidentScore: 0.3, relativeScore: 0.8 });
    const strongFirst = [article('a', 0.6), article('b', 0.5), article('c', 0.47)];
    expect(ids(sut.toCards(utterance('i-1'), strongFirst))).toEqual(['a', 'b']);
    expect(sut.toCards(utterance('i-2'), [article('x', 0.29), article('y', 0.28)])).toEqual([]);
    expect(counters.snapshot()).toMatchObject({ 'searches_without_cards{cause="weak"}': 1 });
  });

  it('marks articles shown only once the push succeeded', () => {
    const entities = [article('a'), article('b')];
    const inFlight = new Subject<void>();
    push.mockReturnValueOnce(inFlight);
    pushed(utterance(), sut.toCards(utterance(), entities));
    expect(ids(sut.toCards(utterance(), entities))).toEqual(['a', 'b']);

    inFlight.next();
    inFlight.complete();
    expect(sut.toCards(utterance(), entities)).toEqual([]);
  });

  it('does not mark articles shown when the push fails, and passes the failure on', () => {
    const entities = [article('a'), article('b')];
    const failure = new Error('cards-push: 4 attempts failed (last: HTTP 503)');
    push.mockReturnValueOnce(throwError(() => failure));
    const outcome = pushed(utterance(), sut.toCards(utterance(), entities));

    expect(outcome.error).toBe(failure);
    expect(ids(sut.toCards(utterance(), entities))).toEqual(['a', 'b']);
    expect(counters.get('cards_pushed')).toBe(0);
  });

  it('remembers the articles of an ended interaction for the card deadline, then forgets them', () => {
    vi.useFakeTimers();
    const entities = [article('a'), article('b')];
    pushed(utterance('i-1'), sut.toCards(utterance('i-1'), entities));
    pushed(utterance('i-2'), sut.toCards(utterance('i-2'), entities));

    sut.interactionEnded('i-1');
    vi.advanceTimersByTime(10_000); // its last utterance may still be searching: no repeat yet
    expect(sut.toCards(utterance('i-1'), entities)).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ids(sut.toCards(utterance('i-1'), entities))).toEqual(['a', 'b']);
    expect(sut.toCards(utterance('i-2'), entities)).toEqual([]);
    vi.useRealTimers();
  });
});
