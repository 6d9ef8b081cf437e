import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ABANDON_UNHEARD_MS, LISTENER_POLL_MS, PlayLoop } from './play-loop.js';
import type { Conversation } from './simulator-types.js';

const CONVERSATION_MS = 1000;
const PAUSE_MS = 500;

const conversation = (id: string): Conversation => ({ id, title: `Title ${id}`, events: [] });
const CONVERSATIONS = [conversation('a'), conversation('b')];

interface Play {
  conversationId: string;
  interactionId: string;
  startedAt: number;
  signal: AbortSignal;
}

describe(PlayLoop.name, () => {
  let listeners: number;
  let plays: Play[];
  let lines: string[];
  let sut: PlayLoop;

  /** Takes CONVERSATION_MS of (fake) time, or less when aborted, like the real player. */
  function play(script: Conversation, interactionId: string, signal: AbortSignal): Promise<void> {
    plays.push({ conversationId: script.id, interactionId, startedAt: Date.now(), signal });
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CONVERSATION_MS);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    listeners = 1;
    plays = [];
    lines = [];
    sut = new PlayLoop({
      conversations: CONVERSATIONS,
      play,
      listeners: () => listeners,
      pauseMs: PAUSE_MS,
      log: (line) => lines.push(line),
      interactionId: (script, round) => `${round}-${script.id}-${plays.length}`,
    });
  });

  afterEach(async () => {
    await sut.stop();
    vi.useRealTimers();
  });

  it('plays nothing until a stream client connects, then starts within one poll', async () => {
    listeners = 0;
    sut.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(plays).toEqual([]);
    expect(lines).toEqual(['waiting for a stream client before playing']);

    listeners = 1;
    await vi.advanceTimersByTimeAsync(LISTENER_POLL_MS);
    expect(plays.map((p) => p.conversationId)).toEqual(['a']);
    expect(lines).toContain('playing "Title a" as 1-a-0');
  });

  it('plays every conversation in turn, round after round, each under a fresh id, pausing between them', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(4 * (CONVERSATION_MS + PAUSE_MS) - 1);
    expect(plays.map((p) => [p.conversationId, p.interactionId, p.startedAt])).toEqual([
      ['a', '1-a-0', 0],
      ['b', '1-b-1', 1500],
      ['a', '2-a-2', 3000],
      ['b', '2-b-3', 4500],
    ]);
    expect(lines).toContain('1-a-0 finished');
    expect(sut.conversationOf('2-b-3')).toBe(CONVERSATIONS[1]);
    expect(sut.conversationOf('unknown')).toBeUndefined();
  });

  it('pauses when the last client leaves, and goes on with the next conversation when one is back', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(CONVERSATION_MS);
    listeners = 0;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(plays).toHaveLength(1);

    listeners = 1;
    await vi.advanceTimersByTimeAsync(LISTENER_POLL_MS);
    expect(plays.map((p) => p.conversationId)).toEqual(['a', 'b']);
  });

  it('abandons a conversation nobody has heard for a while, but not one a reconnect interrupted briefly', async () => {
    const longPlay = vi.fn(
      (_script: Conversation, _id: string, signal: AbortSignal) =>
        new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
    );
    sut = new PlayLoop({
      conversations: CONVERSATIONS,
      play: longPlay,
      listeners: () => listeners,
      pauseMs: 0,
      log: (l) => lines.push(l),
    });
    sut.start();
    await vi.advanceTimersByTimeAsync(LISTENER_POLL_MS);
    const signal = longPlay.mock.calls[0][2];

    listeners = 0;
    await vi.advanceTimersByTimeAsync(ABANDON_UNHEARD_MS - LISTENER_POLL_MS);
    listeners = 1; // reconnected in time
    await vi.advanceTimersByTimeAsync(10 * ABANDON_UNHEARD_MS);
    expect(signal.aborted).toBe(false);

    listeners = 0;
    await vi.advanceTimersByTimeAsync(ABANDON_UNHEARD_MS + LISTENER_POLL_MS);
    expect(signal.aborted).toBe(true);
    expect(lines.some((line) => line.endsWith(`abandoned: no stream client for ${ABANDON_UNHEARD_MS} ms`))).toBe(true);
    expect(longPlay).toHaveBeenCalledTimes(1);
  });

  it('stops at once mid-conversation: the player is aborted, stop() resolves and nothing more plays', async () => {
    sut.start();
    await vi.advanceTimersByTimeAsync(CONVERSATION_MS / 2);
    await sut.stop(); // resolves without advancing time
    expect(plays[0].signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(plays).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('goes on after a conversation that fails to play', async () => {
    let first = true;
    const flaky = (script: Conversation, id: string, signal: AbortSignal) =>
      first ? ((first = false), Promise.reject(new RangeError('bad script'))) : play(script, id, signal);
    sut = new PlayLoop({
      conversations: CONVERSATIONS,
      play: flaky,
      listeners: () => listeners,
      pauseMs: 0,
      log: (l) => lines.push(l),
    });
    sut.start();
    await vi.advanceTimersByTimeAsync(LISTENER_POLL_MS);
    expect(lines.some((line) => line.endsWith('failed: bad script'))).toBe(true);
    expect(plays.map((p) => p.conversationId)).toEqual(['b']);
  });
});
