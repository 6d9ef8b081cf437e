import type { ConfigService } from '@nestjs/config';
import { Observable, of, Subject, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { BufferService } from '../buffer/buffer.service.js';
import type { Utterance } from '../domain/utterance.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { FeedbackService } from '../feedback/feedback.service.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import type { AssistCard } from '../domain/card.js';
import type { InsightsService } from '../insights/insights.service.js';
import type { KnowledgeService } from '../knowledge/knowledge.service.js';
import type { VerdictLearning } from '../feedback/learning/verdict-learning.service.js';
import { VerdictIntake } from '../feedback/verdict-intake.js';
import type { EventSource } from '../stream/event-source.js';
import type { InsightVerdictEvent, Speaker, StreamEvent } from '../domain/events.js';
import { AssistPipeline } from './assist-pipeline.service.js';

const DRAIN_MS = 2000;

/** One call of the fake knowledge search: the test decides when and how it ends. */
interface Search {
  utterance: Utterance;
  results: Subject<unknown[]>;
  subscribed: boolean;
  unsubscribed: boolean;
  finished: boolean;
}

const article = (id: string) => ({ id, title: `Title ${id}`, score: 0.9 });

/** A search plan that carries its utterance, so each fake search knows which utterance it serves. */
type TestPlan =
  | {
      search: true;
      text: string;
      stems: string[];
      basis: 'utterance' | 'with-topic';
      asks: boolean;
      utterance: Utterance;
    }
  | { search: false; why: 'no-content' | 'acknowledgement' | 'holding' | 'detail' };

describe(AssistPipeline.name, () => {
  let sut: AssistPipeline;
  let events: Subject<StreamEvent>;
  let stream: { events$: Observable<StreamEvent>; start: Mock; stop: Mock };
  let searches: Search[];
  let knowledge: {
    maxInFlight: number;
    maxQueued: number;
    isSearchable: Mock<(u: Utterance) => boolean>;
    plan: Mock<(u: Utterance) => TestPlan>;
    search: Mock;
    cardsShown: Mock;
    interactionEnded: Mock;
  };
  let learning: { rank: Mock; learn: Mock; cardsPushed: Mock };
  let insights: {
    toCards: Mock<(u: Utterance, entities: unknown[]) => AssistCard[]>;
    push: Mock<(u: Utterance, cards: AssistCard[]) => Observable<void>>;
    interactionEnded: Mock<(interactionId: string) => void>;
  };
  let feedback: { record: Mock<(verdict: InsightVerdictEvent) => void>; stats: Mock };
  let counters: Counters;
  let shutDown: boolean;

  /** Wires the pipeline by hand and bootstraps it (subscribes to the stream, starts it). */
  function boot(maxInFlight = 4, cardDeadlineMs = 60_000, maxQueued = 100): AssistPipeline {
    knowledge.maxInFlight = maxInFlight;
    knowledge.maxQueued = maxQueued;
    const config = {
      get: (key: string) =>
        ({ app: { shutdownDrainMs: DRAIN_MS }, assist: { cardDeadlineMs, redactPii: true } })[key as 'app'],
    } as unknown as ConfigService<AppConfig, true>;
    const buffer = new BufferService({
      silenceMs: 1000,
      maxMs: 5000,
      maxUtteranceChars: 4000,
      maxInteractions: 100,
      idleEvictMs: 600_000,
    });
    sut = new AssistPipeline(
      stream as unknown as EventSource,
      buffer,
      knowledge as unknown as KnowledgeService,
      insights as unknown as InsightsService,
      feedback as unknown as FeedbackService,
      learning as unknown as VerdictLearning,
      new VerdictIntake(feedback as unknown as FeedbackService, learning as unknown as VerdictLearning),
      new PrivacyService(counters, config),
      counters,
      config,
    );
    sut.onApplicationBootstrap();
    return sut;
  }

  const fragment = (interactionId: string, text: string, speaker: Speaker = 'CUSTOMER') =>
    events.next({ type: 'TRANSCRIPT_FRAGMENT', interactionId, text, speaker });
  const turnEnd = (interactionId: string) => events.next({ type: 'DIALOG_STATE', interactionId, state: 'TURN_END' });
  const say = (interactionId: string, text: string, speaker: Speaker = 'CUSTOMER') => {
    fragment(interactionId, text, speaker);
    turnEnd(interactionId);
  };
  const answer = (search: Search, ...ids: string[]) => {
    search.results.next(ids.map(article));
    search.results.complete();
  };
  const running = () => searches.filter((s) => s.subscribed && !s.unsubscribed && !s.finished);
  const pushed = () => insights.push.mock.calls.map(([u, cards]) => [u.interactionId, u.text, cards.map((c) => c.id)]);

  async function shutdown(): Promise<{ done: boolean }> {
    const state = { done: false };
    void sut.beforeApplicationShutdown().then(() => (state.done = true));
    await vi.advanceTimersByTimeAsync(0);
    return state;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    events = new Subject<StreamEvent>();
    stream = {
      events$: events.asObservable(),
      start: vi.fn(),
      stop: vi.fn(() => events.complete()),
    };
    searches = [];
    knowledge = {
      maxInFlight: 4,
      maxQueued: 100,
      isSearchable: vi.fn((u: Utterance) => u.speaker !== 'AGENT'),
      // Every utterance is searched as said unless a test says otherwise.
      plan: vi.fn((utterance: Utterance) => ({
        search: true as const,
        text: utterance.text,
        stems: [`stem-of-${utterance.text}`],
        basis: 'utterance' as const,
        asks: true,
        utterance,
      })),
      cardsShown: vi.fn(),
      interactionEnded: vi.fn(),
      search: vi.fn(({ utterance }: { utterance: Utterance }) => {
        const search: Search = {
          utterance,
          results: new Subject<unknown[]>(),
          subscribed: false,
          unsubscribed: false,
          finished: false,
        };
        searches.push(search);
        return new Observable<unknown[]>((subscriber) => {
          search.subscribed = true;
          const inner = search.results.subscribe({
            next: (value) => subscriber.next(value),
            error: (error: unknown) => {
              search.finished = true;
              subscriber.error(error);
            },
            complete: () => {
              search.finished = true;
              subscriber.complete();
            },
          });
          return () => {
            inner.unsubscribe();
            if (!search.finished) search.unsubscribed = true;
          };
        });
      }),
    };
    insights = {
      toCards: vi.fn((u: Utterance, entities: unknown[]) =>
        (entities as { id: string; title: string; score: number }[]).map((e, index) => ({
          id: e.id,
          title: e.title,
          priority: index + 1,
          score: e.score,
          citation: `https://kb.example.com/${e.id}`,
          snippet: '',
          interactionId: u.interactionId,
        })),
      ),
      push: vi.fn(() => of(undefined)),
      interactionEnded: vi.fn(),
    };
    feedback = { record: vi.fn(), stats: vi.fn(() => ({})) };
    learning = {
      rank: vi.fn((_stems: string[], articles: unknown[]) => articles),
      learn: vi.fn(),
      cardsPushed: vi.fn(),
    };
    counters = new Counters();
    shutDown = false;
  });

  afterEach(async () => {
    if (!shutDown) {
      const done = sut.beforeApplicationShutdown();
      await vi.advanceTimersByTimeAsync(DRAIN_MS);
      await done;
    }
    vi.useRealTimers();
  });

  it('starts the stream once it is subscribed to its events', () => {
    boot();
    expect(stream.start).toHaveBeenCalledTimes(1);
    expect(events.observed).toBe(true);
  });

  it('searches the utterance a TURN_END flushes, then pushes its cards', () => {
    boot();
    fragment('i-1', 'my voicemail pin');
    fragment('i-1', 'does not work');
    expect(knowledge.search).not.toHaveBeenCalled();
    turnEnd('i-1');

    expect(searches).toHaveLength(1);
    expect(searches[0].utterance).toMatchObject({
      interactionId: 'i-1',
      text: 'my voicemail pin does not work',
      reason: 'dialog-state',
    });
    expect(searches[0].subscribed).toBe(true);
    expect(insights.push).not.toHaveBeenCalled();

    answer(searches[0], 'kb-1', 'kb-2');
    expect(insights.toCards).toHaveBeenCalledWith(searches[0].utterance, [article('kb-1'), article('kb-2')], {
      asks: true,
    });
    expect(pushed()).toEqual([['i-1', 'my voicemail pin does not work', ['kb-1', 'kb-2']]]);
    expect(counters.get('utterances{reason="dialog-state"}')).toBe(1);
  });

  it('searches an utterance the silence timer flushes', async () => {
    boot();
    fragment('i-1', 'hello');
    await vi.advanceTimersByTimeAsync(999);
    expect(searches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(searches.map((s) => [s.utterance.text, s.utterance.reason])).toEqual([['hello', 'silence']]);
  });

  it('pushes nothing when no card is left', () => {
    boot();
    say('i-1', 'hello');
    answer(searches[0]);
    expect(insights.toCards).toHaveBeenCalledTimes(1);
    expect(insights.push).not.toHaveBeenCalled();
  });

  it('cancels the search of an older utterance of the same interaction: only the newer one is pushed', () => {
    boot();
    say('i-1', 'first question');
    const older = searches[0];
    expect(older.subscribed).toBe(true);
    say('i-1', 'second question');

    expect(older.unsubscribed).toBe(true);
    answer(older, 'kb-old');
    answer(searches[1], 'kb-new');
    expect(pushed()).toEqual([['i-1', 'second question', ['kb-new']]]);
  });

  it('does not let one interaction supersede another', () => {
    boot();
    say('i-1', 'first call');
    say('i-2', 'second call');
    expect(searches.map((s) => s.unsubscribed)).toEqual([false, false]);
    answer(searches[1], 'kb-2');
    answer(searches[0], 'kb-1');
    expect(pushed()).toEqual([
      ['i-2', 'second call', ['kb-2']],
      ['i-1', 'first call', ['kb-1']],
    ]);
  });

  it('never has more than maxInFlight searches running across interactions', () => {
    boot(2);

    for (let i = 1; i <= 5; i++) say(`i-${i}`, `question ${i}`);
    expect(searches.map((s) => s.utterance.interactionId)).toEqual(['i-1', 'i-2']); // the others wait
    expect(sut.stats()).toMatchObject({ searchesInFlight: 2, searchesQueued: 3 });

    answer(searches[1], 'kb-2');
    expect(running().map((s) => s.utterance.interactionId)).toEqual(['i-1', 'i-3']);
    answer(searches[0], 'kb-1');
    expect(running().map((s) => s.utterance.interactionId)).toEqual(['i-3', 'i-4']);
    answer(searches[2], 'kb-3');
    answer(searches[3], 'kb-4');
    expect(running().map((s) => s.utterance.interactionId)).toEqual(['i-5']);
    answer(searches[4], 'kb-5');

    expect(pushed().map(([id]) => id)).toEqual(['i-2', 'i-1', 'i-3', 'i-4', 'i-5']);
    expect(sut.stats()).toMatchObject({ searchesInFlight: 0, searchesQueued: 0 });
  });

  it('frees the slot of a superseded search for the next one waiting', () => {
    boot(1);

    say('i-1', 'old');
    say('i-2', 'waiting');
    expect(searches.map((s) => s.utterance.text)).toEqual(['old']);
    say('i-1', 'new'); // supersedes 'old': its slot goes to i-2, 'new' queues behind
    expect(searches.map((s) => [s.utterance.text, s.subscribed, s.unsubscribed])).toEqual([
      ['old', true, true],
      ['waiting', true, false],
    ]);
    answer(searches[1], 'kb-2');
    expect(searches.map((s) => s.utterance.text)).toEqual(['old', 'waiting', 'new']);
  });

  it('supersedes an utterance still waiting for a slot: it never searches', () => {
    boot(1);
    say('i-1', 'busy');
    say('i-2', 'first thought');
    say('i-2', 'second thought');
    answer(searches[0], 'kb-1');

    expect(searches.map((s) => s.utterance.text)).toEqual(['busy', 'second thought']);
    expect(sut.stats().searchesQueued).toBe(0);
  });

  it('sheds what waits beyond KB_MAX_QUEUED, and counts it', () => {
    boot(1, 60_000, 2);
    for (let i = 1; i <= 5; i++) say(`i-${i}`, `question ${i}`);

    expect(counters.get('searches_shed{cause="queue-full"}')).toBe(2);
    expect(sut.stats()).toMatchObject({ searchesInFlight: 1, searchesQueued: 2 });
    for (let i = 0; i < 3; i++) answer(searches[i], `kb-${i}`);
    expect(pushed().map(([id]) => id)).toEqual(['i-1', 'i-2', 'i-3']);
  });

  it('sheds a waiting search once its card deadline is too close to make, instead of running it late', async () => {
    boot(1, 3000);
    say('i-1', 'warm-up');
    await vi.advanceTimersByTimeAsync(1000);
    answer(searches[0], 'kb-0'); // a search now takes ~1 s

    say('i-1', 'slow');
    say('i-2', 'waits too long');
    await vi.advanceTimersByTimeAsync(2500);
    answer(searches[1], 'kb-1');

    expect(searches.map((s) => s.utterance.text)).toEqual(['warm-up', 'slow']);
    expect(counters.get('searches_shed{cause="deadline"}')).toBe(1);
    expect(pushed().map(([id, text]) => `${id}: ${text}`)).toEqual(['i-1: warm-up', 'i-1: slow']);
  });

  it('keeps going after a failed search: later utterances are still pushed', () => {
    boot();
    say('i-1', 'first');
    say('i-2', 'other call');
    searches[0].results.error(new Error('knowledge-search: 4 attempts failed (last: HTTP 503)'));
    expect(counters.get('assist_failures')).toBe(1);

    answer(searches[1], 'kb-2');
    say('i-1', 'second');
    answer(searches[2], 'kb-1');
    expect(pushed()).toEqual([
      ['i-2', 'other call', ['kb-2']],
      ['i-1', 'second', ['kb-1']],
    ]);
  });

  it('keeps going after a failed push', () => {
    boot();
    insights.push.mockImplementationOnce(
      () => new Observable<void>((subscriber) => subscriber.error(new Error('cards-push: forbidden'))),
    );
    say('i-1', 'first');
    answer(searches[0], 'kb-1');
    expect(counters.get('assist_failures')).toBe(1);
    say('i-1', 'second');
    answer(searches[1], 'kb-1');
    expect(insights.push).toHaveBeenCalledTimes(2);
  });

  it('redacts card numbers and e-mail addresses before the text is searched', () => {
    boot();
    say('i-1', 'my card 4111 1111 1111 1111 and mail jo@example.com were charged');
    expect(searches[0].utterance.text).toBe('my card [CARD] and mail [EMAIL] were charged');
    expect(counters.snapshot('pii')).toEqual({ 'pii_redactions{kind="card"}': 1, 'pii_redactions{kind="email"}': 1 });
  });

  it('drops cards still searching at the deadline instead of pushing them late, and counts it', async () => {
    boot(4, 3000);
    say('i-1', 'slow answer');
    await vi.advanceTimersByTimeAsync(2999);
    expect(searches[0].unsubscribed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(searches[0].unsubscribed).toBe(true);
    answer(searches[0], 'kb-1');
    expect(insights.push).not.toHaveBeenCalled();
    expect(counters.get('cards_dropped_late{step="searching"}')).toBe(1);
  });

  it('drops a push still in flight at the deadline', async () => {
    boot(4, 3000);
    const push = new Subject<void>();
    insights.push.mockReturnValueOnce(push);
    say('i-1', 'hello');
    await vi.advanceTimersByTimeAsync(1000);
    answer(searches[0], 'kb-1');
    expect(push.observed).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(push.observed).toBe(false);
    expect(counters.get('cards_dropped_late{step="pushing"}')).toBe(1);
  });

  it('sends accept and reject verdicts to feedback and to learning, and nothing else', () => {
    boot();
    const accepted: InsightVerdictEvent = { type: 'INSIGHT_ACCEPTED', interactionId: 'i-1', insightId: 'kb-1' };
    const rejected: InsightVerdictEvent = { type: 'INSIGHT_REJECTED', interactionId: 'i-1', insightId: 'kb-2' };
    events.next(accepted);
    say('i-1', 'hello');
    events.next(rejected);
    expect(feedback.record.mock.calls.map(([verdict]) => verdict)).toEqual([accepted, rejected]);
    expect(learning.learn.mock.calls.map(([verdict]) => verdict)).toEqual([accepted, rejected]);
  });

  it('does not search small talk the knowledge service plans no search for, and counts it by cause', () => {
    boot();
    knowledge.plan.mockReturnValueOnce({ search: false, why: 'acknowledgement' });
    say('i-1', 'great, that works now, thanks');
    expect(knowledge.search).not.toHaveBeenCalled();
    expect(counters.get('utterances_not_searched{cause="acknowledgement"}')).toBe(1);

    say('i-1', 'my router keeps rebooting');
    expect(searches.map((s) => s.utterance.text)).toEqual(['my router keeps rebooting']);
  });

  it('tells insights whether the utterance asked something, for the statement floor', () => {
    boot();
    knowledge.plan.mockImplementationOnce((utterance) => ({
      search: true,
      text: utterance.text,
      stems: [],
      basis: 'utterance',
      asks: false,
      utterance,
    }));
    say('i-1', 'the parcel arrived broken');
    answer(searches[0], 'kb-1');
    expect(insights.toCards).toHaveBeenCalledWith(searches[0].utterance, [article('kb-1')], { asks: false });
  });

  it('counts the vague turns searched with the call topic', () => {
    boot();
    knowledge.plan.mockImplementationOnce((utterance) => ({
      search: true,
      text: `topic ${utterance.text}`,
      stems: ['topic'],
      basis: 'with-topic',
      asks: true,
      utterance,
    }));
    say('i-1', 'that one');
    expect(searches).toHaveLength(1);
    expect(counters.get('searches_with_topic')).toBe(1);
  });

  it('ranks the hits by learned verdicts for the planned words before it makes cards', () => {
    boot();
    learning.rank.mockImplementation((_stems: string[], articles: unknown[]) => [...articles].reverse());
    say('i-1', 'voicemail pin');
    answer(searches[0], 'kb-1', 'kb-2');

    expect(learning.rank).toHaveBeenCalledWith(['stem-of-voicemail pin'], [article('kb-1'), article('kb-2')]);
    expect(insights.toCards).toHaveBeenCalledWith(searches[0].utterance, [article('kb-2'), article('kb-1')], {
      asks: true,
    });
  });

  it('once cards are pushed, notes them for learning and lets the call topic move on', () => {
    boot();
    say('i-1', 'voicemail pin');
    const plan = knowledge.plan.mock.results[0].value;
    expect(learning.cardsPushed).not.toHaveBeenCalled();
    answer(searches[0], 'kb-1', 'kb-2');

    expect(learning.cardsPushed).toHaveBeenCalledExactlyOnceWith('i-1', ['stem-of-voicemail pin'], ['kb-1', 'kb-2']);
    expect(knowledge.cardsShown).toHaveBeenCalledExactlyOnceWith('i-1', plan);
  });

  it('notes nothing for learning when the push fails', () => {
    boot();
    insights.push.mockReturnValueOnce(throwError(() => new Error('HTTP 503')));
    say('i-1', 'voicemail pin');
    answer(searches[0], 'kb-1');

    expect(learning.cardsPushed).not.toHaveBeenCalled();
    expect(knowledge.cardsShown).not.toHaveBeenCalled();
  });

  it('does not search utterances the knowledge service calls unsearchable', () => {
    boot();
    say('i-1', 'how can I help you today', 'AGENT');
    expect(knowledge.isSearchable).toHaveBeenCalledWith(
      expect.objectContaining({ interactionId: 'i-1', speaker: 'AGENT' }),
    );
    expect(knowledge.search).not.toHaveBeenCalled();
    expect(counters.get('utterances_not_searched{cause="speaker"}')).toBe(1);

    say('i-1', 'my router keeps rebooting', 'CUSTOMER');
    expect(searches.map((s) => s.utterance.text)).toEqual(['my router keeps rebooting']);
  });

  it('tells insights an interaction ended, after its last utterance went to search', () => {
    boot();
    fragment('i-1', 'thanks, bye');
    insights.interactionEnded.mockImplementation(() => expect(searches).toHaveLength(1));
    events.next({ type: 'INTERACTION_ENDED', interactionId: 'i-1' });

    expect(searches[0].utterance.reason).toBe('interaction-ended');
    expect(insights.interactionEnded).toHaveBeenCalledExactlyOnceWith('i-1');
    expect(knowledge.interactionEnded).toHaveBeenCalledExactlyOnceWith('i-1');
    answer(searches[0], 'kb-1');
    expect(insights.push).toHaveBeenCalledTimes(1);
  });

  it('forgets the card digits a call was spelling once it ended', () => {
    boot();
    say('i-1', 'my card number is 4111 1111');
    events.next({ type: 'INTERACTION_ENDED', interactionId: 'i-1' });
    say('i-1', '1111');

    // Without the end, the second turn would go on with the card number and be redacted.
    expect(searches.map((s) => s.utterance.text)).toEqual(['my card number is [CARD]', '1111']);
  });

  it('on shutdown stops the stream, flushes buffered text, pushes it and resolves', async () => {
    boot();
    fragment('i-1', 'an unfinished thought');
    expect(knowledge.search).not.toHaveBeenCalled();

    shutDown = true;
    const state = await shutdown();
    expect(stream.stop).toHaveBeenCalledTimes(1);
    expect(searches.map((s) => [s.utterance.text, s.utterance.reason])).toEqual([
      ['an unfinished thought', 'shutdown'],
    ]);
    expect(state.done).toBe(false);

    await vi.advanceTimersByTimeAsync(500);
    answer(searches[0], 'kb-1');
    await vi.advanceTimersByTimeAsync(0);
    expect(pushed()).toEqual([['i-1', 'an unfinished thought', ['kb-1']]]);
    expect(state.done).toBe(true);
    expect(vi.getTimerCount()).toBe(0); // the drain bound is cleared, nothing keeps the process up
  });

  it('waits for a push in flight during shutdown', async () => {
    boot();
    const push = new Subject<void>();
    insights.push.mockReturnValueOnce(push);
    say('i-1', 'hello');
    answer(searches[0], 'kb-1');

    shutDown = true;
    const state = await shutdown();
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.done).toBe(false);
    push.next();
    push.complete();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.done).toBe(true);
  });

  it('resolves after shutdownDrainMs even if a search never completes, and abandons it', async () => {
    boot();
    fragment('i-1', 'a question nobody answers');
    shutDown = true;
    const state = await shutdown();
    expect(searches[0].subscribed).toBe(true);

    await vi.advanceTimersByTimeAsync(DRAIN_MS - 1);
    expect(state.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.done).toBe(true);
    expect(searches[0].unsubscribed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
