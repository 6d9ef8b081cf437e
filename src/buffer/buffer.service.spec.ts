import fc from 'fast-check';
import { from, Subject, take, type Subscription } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Speaker, StreamEvent } from '../domain/events.js';
import type { BufferOptions } from './buffer.options.js';
import { BufferService } from './buffer.service.js';
import type { Utterance } from '../domain/utterance.js';

const T0 = Date.UTC(2025, 0, 1);
const OPTIONS: BufferOptions = {
  silenceMs: 3000,
  maxMs: 10_000,
  maxUtteranceChars: 100,
  maxInteractions: 3,
  idleEvictMs: 60_000,
};

/** A BufferService subscribed to a Subject of events, collecting what it emits. */
function harness(overrides: Partial<BufferOptions> = {}) {
  const sut = new BufferService({ ...OPTIONS, ...overrides });
  const events = new Subject<StreamEvent>();
  const out: Utterance[] = [];
  const state = { completed: false };
  const subscription: Subscription = sut.utterances(events).subscribe({
    next: (u) => out.push(u),
    complete: () => (state.completed = true),
  });
  const fragment = (interactionId: string, text: string, speaker?: Speaker) =>
    events.next({ type: 'TRANSCRIPT_FRAGMENT', interactionId, text, ...(speaker ? { speaker } : {}) });
  const dialog = (interactionId: string, s: string) => events.next({ type: 'DIALOG_STATE', interactionId, state: s });
  const end = (interactionId: string) => events.next({ type: 'INTERACTION_ENDED', interactionId });
  return { sut, events, out, state, subscription, fragment, dialog, end };
}

const at = (ms: number) => T0 + ms;

describe(BufferService.name, () => {
  let h: ReturnType<typeof harness>;
  let sut: BufferService;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    h = harness();
    sut = h.sut;
  });

  afterEach(() => {
    h.subscription.unsubscribe();
    vi.useRealTimers();
  });

  it('keeps two interleaved interactions apart', () => {
    h.fragment('A', 'my router', 'CUSTOMER');
    h.fragment('B', 'I want to', 'CUSTOMER');
    h.fragment('A', ' keeps  rebooting ', 'CUSTOMER');
    h.fragment('B', 'cancel my plan', 'CUSTOMER');
    h.fragment('A', '   ');
    vi.advanceTimersByTime(3000);
    expect(h.out.map((u) => [u.interactionId, u.text, u.fragments, u.seq])).toEqual([
      ['A', 'my router keeps  rebooting', 2, 1],
      ['B', 'I want to cancel my plan', 2, 1],
    ]);
    expect(sut.stats()).toMatchObject({ interactions: 2, bufferedChars: 0 });
  });

  it('flushes on silence exactly silenceMs after the last fragment, not before', () => {
    h.fragment('A', 'hello', 'AGENT');
    vi.advanceTimersByTime(1000);
    h.fragment('A', 'there', 'AGENT');
    vi.advanceTimersByTime(2999);
    expect(h.out).toEqual([]);
    expect(sut.stats().bufferedChars).toBe('hello there'.length);
    vi.advanceTimersByTime(1);
    expect(h.out).toEqual([
      {
        interactionId: 'A',
        seq: 1,
        text: 'hello there',
        speaker: 'AGENT',
        reason: 'silence',
        startedAt: at(0),
        flushedAt: at(4000),
        fragments: 2,
      },
    ]);
    vi.advanceTimersByTime(60_000);
    expect(h.out).toHaveLength(1);
  });

  it('flushes continuous speech every maxMs measured from the FIRST fragment', () => {
    h.subscription.unsubscribe();
    h = harness({ maxUtteranceChars: 4000 });
    for (let t = 0; t < 25_000; t += 500) {
      h.fragment('A', `w${t}`, 'CUSTOMER');
      vi.advanceTimersByTime(500);
    }
    vi.advanceTimersByTime(3000);
    expect(h.out.map((u) => [u.reason, u.startedAt - T0, u.flushedAt - T0, u.fragments, u.seq])).toEqual([
      ['max-duration', 0, 10_000, 20, 1],
      ['max-duration', 10_000, 20_000, 20, 2],
      ['silence', 20_000, 27_500, 10, 3],
    ]);
    const words = h.out.flatMap((u) => u.text.split(' '));
    expect(words).toEqual(Array.from({ length: 50 }, (_, i) => `w${i * 500}`));
  });

  it('does not allocate a timer per fragment', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 20; i++) {
      h.fragment('A', `w${i}`);
      vi.advanceTimersByTime(100);
    }
    expect(setTimeoutSpy.mock.calls.length).toBeLessThanOrEqual(2);
    vi.advanceTimersByTime(3000);
    expect(h.out).toMatchObject([{ fragments: 20, reason: 'silence', flushedAt: at(1900 + 3000) }]);
    setTimeoutSpy.mockRestore();
  });

  it('flushes at once on AGENT_SILENT, CUSTOMER_SILENT and TURN_END, even 10 ms after the last fragment', () => {
    for (const [i, state] of ['AGENT_SILENT', 'CUSTOMER_SILENT', 'TURN_END'].entries()) {
      h.fragment('A', `part ${i}`);
      vi.advanceTimersByTime(10);
      h.dialog('A', state);
      expect(h.out).toHaveLength(i + 1);
      expect(h.out[i]).toMatchObject({ text: `part ${i}`, reason: 'dialog-state', seq: i + 1 });
      expect(h.out[i]!.flushedAt - h.out[i]!.startedAt).toBe(10);
    }
    h.dialog('A', 'TURN_END'); // nothing buffered: nothing emitted
    vi.advanceTimersByTime(20_000); // the stale timers find nothing to flush
    expect(h.out).toHaveLength(3);
  });

  it('ignores other dialog states and other event types', () => {
    h.fragment('A', 'still talking');
    vi.advanceTimersByTime(10);
    h.dialog('A', 'AGENT_SPEAKING');
    h.events.next({ type: 'INSIGHT_ACCEPTED', interactionId: 'A', insightId: 'i1' });
    h.dialog('unknown', 'TURN_END');
    expect(h.out).toEqual([]);
    vi.advanceTimersByTime(3000);
    expect(h.out.map((u) => u.reason)).toEqual(['silence']);
  });

  it('flushes on a change of speaker; the utterance takes its first fragment speaker', () => {
    h.fragment('A', 'can you hear me', 'CUSTOMER');
    h.fragment('A', 'still me');
    h.fragment('A', 'yes I can', 'AGENT');
    expect(h.out).toMatchObject([{ text: 'can you hear me still me', speaker: 'CUSTOMER', reason: 'dialog-state' }]);
    vi.advanceTimersByTime(3000);
    expect(h.out[1]).toMatchObject({ text: 'yes I can', speaker: 'AGENT', reason: 'silence', seq: 2 });
  });

  it('flushes an overdue utterance before appending when its timer has not run yet', () => {
    h.fragment('A', 'before');
    vi.setSystemTime(at(3500)); // the clock moves, timers do not run (busy event loop)
    h.fragment('A', 'after');
    expect(h.out).toMatchObject([{ text: 'before', reason: 'silence' }]);
    vi.advanceTimersByTime(3000);
    expect(h.out[1]).toMatchObject({ text: 'after', startedAt: at(3500), seq: 2 });
  });

  it('flushes on INTERACTION_ENDED, forgets the interaction and clears its timer', () => {
    h.fragment('A', 'bye now');
    h.fragment('B', 'other call');
    h.end('A');
    expect(h.out).toMatchObject([{ interactionId: 'A', text: 'bye now', reason: 'interaction-ended' }]);
    expect(sut.stats().interactions).toBe(1);
    h.end('B');
    expect(sut.stats()).toMatchObject({ interactions: 0, bufferedChars: 0 });
    expect(vi.getTimerCount()).toBe(1); // only the idle sweeper is left
    vi.advanceTimersByTime(20_000);
    expect(h.out).toHaveLength(2);
    h.end('A'); // unknown now: nothing happens
    expect(h.out).toHaveLength(2);
  });

  it("tells each end after the interaction's last utterance, with or without text, and completes with the source", () => {
    const ended: string[] = [];
    const utterancesOutAtEnd: number[] = [];
    let completed = false;
    sut.ended$.subscribe({
      next: (id) => {
        ended.push(id);
        utterancesOutAtEnd.push(h.out.length);
      },
      complete: () => (completed = true),
    });

    h.fragment('A', 'bye now');
    h.end('A');
    h.end('never-spoke');
    expect(ended).toEqual(['A', 'never-spoke']);
    expect(utterancesOutAtEnd).toEqual([1, 1]);
    expect(completed).toBe(false);

    h.events.complete();
    expect(completed).toBe(true);
  });

  it('caps a 2 MB fragment at maxUtteranceChars, flushing with size-cap', () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    h.fragment('A', huge);
    expect(h.out).toHaveLength(1);
    expect(h.out[0]).toMatchObject({ reason: 'size-cap', seq: 1, fragments: 1 });
    expect(h.out[0]!.text).toBe('x'.repeat(100));
    h.fragment('A', 'short start');
    h.fragment('A', huge);
    expect(h.out[1]).toMatchObject({ reason: 'size-cap', seq: 2, fragments: 2 });
    expect(h.out[1]!.text).toBe(`short start ${'x'.repeat(100 - 12)}`);
    expect(sut.stats()).toMatchObject({ bufferedChars: 0, truncatedChars: 2 * (huge.length - 100) + 12 });
    h.fragment('A', 'after');
    vi.advanceTimersByTime(3000);
    expect(h.out[2]).toMatchObject({ text: 'after', seq: 3, reason: 'silence' });
  });

  it('never cuts a surrogate pair at the cap', () => {
    h.fragment('A', `${'a'.repeat(99)}\u{1F600}${'b'.repeat(500)}`);
    expect(h.out).toMatchObject([{ text: 'a'.repeat(99), reason: 'size-cap' }]);
  });

  it('flushes with size-cap when the text reaches the cap exactly, losing nothing', () => {
    h.fragment('A', 'a'.repeat(49));
    h.fragment('A', 'b'.repeat(50));
    expect(h.out).toMatchObject([{ text: `${'a'.repeat(49)} ${'b'.repeat(50)}`, reason: 'size-cap' }]);
    expect(sut.stats().truncatedChars).toBe(0);
  });

  it('evicts the least recently active interaction at maxInteractions, flushing its text', () => {
    h.fragment('A', 'alpha');
    h.fragment('B', 'bravo');
    h.fragment('C', 'charlie');
    h.dialog('A', 'SOMETHING'); // any event for A makes it recently active: B is now the oldest
    h.fragment('D', 'delta');
    expect(h.out).toMatchObject([{ interactionId: 'B', text: 'bravo', reason: 'interaction-ended' }]);
    expect(sut.stats()).toMatchObject({ interactions: 3, evicted: 1 });
    vi.advanceTimersByTime(3000);
    expect(h.out.map((u) => u.interactionId)).toEqual(['B', 'A', 'C', 'D']);
  });

  it('forgets empty idle interactions with one sweeper, keeping active ones', () => {
    h.fragment('A', 'idle soon');
    h.fragment('B', 'busy');
    vi.advanceTimersByTime(50_000);
    h.fragment('B', 'still busy');
    vi.advanceTimersByTime(30_000); // A idle 80 s, B idle 30 s
    expect(sut.stats()).toMatchObject({ interactions: 1, idleForgotten: 1 });
    vi.advanceTimersByTime(60_000);
    expect(sut.stats()).toMatchObject({ interactions: 0, idleForgotten: 2 });
    expect(h.out).toHaveLength(3);
  });

  it('flushAll flushes every non-empty buffer and returns the count', () => {
    h.fragment('A', 'one');
    h.fragment('B', 'two');
    h.fragment('C', 'three');
    h.dialog('C', 'TURN_END');
    expect(sut.flushAll('shutdown')).toBe(2);
    expect(h.out.map((u) => [u.interactionId, u.reason])).toEqual([
      ['C', 'dialog-state'],
      ['A', 'shutdown'],
      ['B', 'shutdown'],
    ]);
    expect(sut.flushAll('shutdown')).toBe(0);
    vi.advanceTimersByTime(20_000);
    expect(h.out).toHaveLength(3);
    expect(sut.stats().flushed).toEqual({
      silence: 0,
      'dialog-state': 1,
      'max-duration': 0,
      'interaction-ended': 0,
      'size-cap': 0,
      shutdown: 2,
    });
  });

  it.each(['complete', 'error'] as const)('flushes everything and completes when the source %ss', (how) => {
    h.fragment('A', 'last words');
    if (how === 'complete') h.events.complete();
    else h.events.error(new Error('socket gone'));
    expect(h.out).toMatchObject([{ text: 'last words', reason: 'shutdown' }]);
    expect(h.state.completed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(sut.stats().interactions).toBe(0);
  });

  it('handles a synchronous source and a consumer that unsubscribes on the first utterance', () => {
    const taken: Utterance[] = [];
    const fresh = new BufferService(OPTIONS);
    const events: StreamEvent[] = [
      { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'A', text: 'one' },
      { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'B', text: 'two' },
    ];
    fresh.utterances(from(events)).subscribe((u) => taken.push(u));
    expect(taken.map((u) => [u.text, u.reason])).toEqual([
      ['one', 'shutdown'],
      ['two', 'shutdown'],
    ]);
    taken.length = 0;
    const source = new Subject<StreamEvent>();
    fresh
      .utterances(source)
      .pipe(take(1))
      .subscribe((u) => taken.push(u));
    source.next({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'A', text: 'first', speaker: 'AGENT' });
    source.next({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'A', text: 'second', speaker: 'CUSTOMER' });
    expect(taken.map((u) => u.text)).toEqual(['first']);
    expect(fresh.stats()).toMatchObject({ interactions: 0, bufferedChars: 0 });
    expect(vi.getTimerCount()).toBe(1); // only the harness's sweeper
  });

  it('clears every timer on unsubscribe and allows one active subscription at a time', () => {
    h.fragment('A', 'one');
    h.fragment('B', 'two');
    const second = { error: undefined as unknown };
    sut.utterances(new Subject<StreamEvent>()).subscribe({ error: (e: unknown) => (second.error = e) });
    expect(second.error).toBeInstanceOf(Error);
    h.subscription.unsubscribe();
    expect(vi.getTimerCount()).toBe(0);
    expect(sut.stats()).toMatchObject({ interactions: 0, bufferedChars: 0 });
    h = harness(); // the service can be subscribed again afterwards
    expect(h.state.completed).toBe(false);
  });

  it('increments seq per interaction, 1-based', () => {
    for (const text of ['one', 'two', 'three']) {
      h.fragment('A', text);
      h.dialog('A', 'TURN_END');
    }
    h.fragment('B', 'b-one');
    h.dialog('B', 'TURN_END');
    expect(h.out.map((u) => `${u.interactionId}${u.seq}`)).toEqual(['A1', 'A2', 'A3', 'B1']);
  });

  it('loses and duplicates no text across random event sequences', () => {
    const ids = ['a', 'b', 'c'] as const;
    const options = { ...OPTIONS, maxUtteranceChars: 100_000, maxInteractions: 2, idleEvictMs: 2 ** 31 - 1 };
    const action = fc.oneof(
      fc.record({
        kind: fc.constant('frag' as const),
        id: fc.constantFrom(...ids),
        speaker: fc.constantFrom<Speaker | undefined>('AGENT', 'CUSTOMER', undefined),
        pad: fc.constantFrom('', ' ', '  ', '\t'),
        blank: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 4000 }) }),
      fc.record({
        kind: fc.constant('dialog' as const),
        id: fc.constantFrom(...ids),
        state: fc.constantFrom('AGENT_SILENT', 'CUSTOMER_SILENT', 'TURN_END', 'AGENT_SPEAKING'),
      }),
      fc.record({ kind: fc.constant('end' as const), id: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('flushAll' as const) }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 120 }), (actions) => {
        vi.clearAllTimers();
        vi.setSystemTime(T0);
        const run = harness(options);
        const sent = new Map<string, string[]>(ids.map((id) => [id, []]));
        const sentAt = new Map<string, { t: number; speaker?: Speaker }>();
        let n = 0;
        for (const a of actions) {
          if (a.kind === 'frag') {
            if (a.blank) run.fragment(a.id, a.pad);
            else {
              const word = `w${n++}`;
              sent.get(a.id)!.push(word);
              sentAt.set(word, { t: Date.now(), speaker: a.speaker });
              run.fragment(a.id, `${a.pad}${word}${a.pad}`, a.speaker);
            }
          } else if (a.kind === 'wait') vi.advanceTimersByTime(a.ms);
          else if (a.kind === 'dialog') run.dialog(a.id, a.state);
          else if (a.kind === 'end') run.end(a.id);
          else run.sut.flushAll('shutdown');
        }
        run.events.complete();

        expect(run.state.completed).toBe(true);
        expect(run.sut.stats()).toMatchObject({ interactions: 0, bufferedChars: 0 });
        const received = new Map<string, string[]>(ids.map((id) => [id, []]));
        const lastSeq = new Map<string, number>();
        for (const u of run.out) {
          const words = u.text.split(' ');
          received.get(u.interactionId)!.push(...words);
          expect(u.fragments).toBe(words.length);
          expect(u.startedAt).toBe(sentAt.get(words[0]!)!.t);
          expect(u.flushedAt - u.startedAt).toBeLessThanOrEqual(options.maxMs);
          if (u.reason === 'silence') expect(u.flushedAt).toBe(sentAt.get(words.at(-1)!)!.t + options.silenceMs);
          if (u.reason === 'max-duration') expect(u.flushedAt).toBe(u.startedAt + options.maxMs);
          const speakers = new Set(words.map((w) => sentAt.get(w)!.speaker).filter(Boolean));
          expect(speakers.size).toBeLessThanOrEqual(1);
          expect(u.speaker).toBe([...speakers][0]);
          const prev = lastSeq.get(u.interactionId) ?? 0;
          expect(u.seq === prev + 1 || u.seq === 1).toBe(true);
          lastSeq.set(u.interactionId, u.seq);
        }
        expect(received).toEqual(sent);
      }),
      { seed: 20250101, numRuns: 300 },
    );
  });
});
