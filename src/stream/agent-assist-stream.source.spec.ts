import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { BehaviorSubject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import type WebSocket from 'ws';
import type { AuthService } from '../auth/auth.service.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { StreamSocketOptions, WebSocketConnector } from './websocket-connector.js';
import type { StreamEvent } from '../domain/events.js';
import { AgentAssistStreamSource } from './agent-assist-stream.source.js';
import type { EventSourceState } from './event-source.js';

/** Stands in for a `ws` client socket; the test emits its events. Answers pings unless told not to. */
class FakeSocket extends EventEmitter {
  autoPong = true;
  readonly close = vi.fn();
  readonly terminate = vi.fn();
  readonly pause = vi.fn();
  readonly resume = vi.fn();
  readonly ping = vi.fn(() => {
    if (this.autoPong) this.emit('pong');
  });

  frame(value: unknown): void {
    this.emit('message', Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
  }

  refuseHandshake(statusCode: number): { resume: Mock } {
    const response = { statusCode, resume: vi.fn() };
    this.emit('unexpected-response', {}, response);
    return response;
  }
}

const configMock = {
  get: (key: string) =>
    ({
      stream: { pingIntervalMs: 1000, reconnectMaxMs: 30_000, maxFrameBytes: 65_536 },
      cxone: { streamUrl: 'wss://x.example/stream' },
    })[key as 'stream'],
} as unknown as ConfigService<AppConfig, true>;

const FRAGMENT: StreamEvent = {
  type: 'TRANSCRIPT_FRAGMENT',
  interactionId: 'i-1',
  text: 'my voicemail pin',
  speaker: 'CUSTOMER',
};

describe(AgentAssistStreamSource.name, () => {
  let sut: AgentAssistStreamSource;
  let sockets: FakeSocket[];
  let open: Mock<(url: string, options: StreamSocketOptions) => WebSocket>;
  let getToken: Mock<() => Promise<string>>;
  let invalidate: Mock<(token: string) => void>;
  let authMock: Record<string, unknown>;
  let counters: Counters;
  let issued: number;

  const socket = () => sockets[sockets.length - 1];
  const openedUrl = (index: number) => new URL(open.mock.calls[index][0]);
  /** Lets the token promise resolve and the socket be opened. */
  const settle = () => vi.advanceTimersByTimeAsync(0);

  /** Drops the current (never opened) socket; returns how long the next connect attempt took. */
  async function failAndTimeReconnect(): Promise<number> {
    const before = sockets.length;
    socket().emit('close', 1006);
    let waited = 0;
    await vi.advanceTimersByTimeAsync(0);
    while (sockets.length === before) {
      await vi.advanceTimersByTimeAsync(1);
      waited++;
      if (waited > 100_000) throw new Error('never reconnected');
    }
    return waited;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    issued = 0;
    sockets = [];
    open = vi.fn(() => {
      const fake = new FakeSocket();
      sockets.push(fake);
      return fake as unknown as WebSocket;
    });
    getToken = vi.fn(async () => `secret-token-${++issued}`);
    invalidate = vi.fn();
    counters = new Counters();
    authMock = { getToken, invalidate, status$: new BehaviorSubject({ valid: true }), status: () => ({ valid: true }) };
    sut = new AgentAssistStreamSource(
      { open } as unknown as WebSocketConnector,
      authMock as unknown as AuthService,
      counters,
      configMock,
    );
  });

  afterEach(() => {
    sut.stop();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('opens the stream URL with a fresh token as access_token on every connect', async () => {
    sut.start();
    await settle();
    expect(open).toHaveBeenCalledTimes(1);
    const first = openedUrl(0);
    expect(`${first.origin}${first.pathname}`).toBe('wss://x.example/stream');
    expect(first.searchParams.get('access_token')).toBe('secret-token-1');

    socket().emit('open');
    socket().emit('close', 1006);
    await vi.advanceTimersByTimeAsync(100);
    expect(open).toHaveBeenCalledTimes(2);
    expect(openedUrl(1).searchParams.get('access_token')).toBe('secret-token-2');
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it('emits valid frames as typed events and counts and skips invalid ones without closing', async () => {
    const events: StreamEvent[] = [];
    sut.events$.subscribe((event) => events.push(event));
    sut.start();
    await settle();
    socket().emit('open');

    socket().frame(FRAGMENT);
    socket().frame('{not json');
    socket().frame({ type: 'SOMETHING_ELSE', interactionId: 'i-1' });
    socket().frame({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i-1', text: 42 });
    socket().frame({ type: 'DIALOG_STATE', interactionId: 'i-1', state: 'TURN_END', extra: true });
    await settle();

    expect(events).toEqual([FRAGMENT, { type: 'DIALOG_STATE', interactionId: 'i-1', state: 'TURN_END' }]);
    expect(counters.snapshot('stream_invalid_frames')).toEqual({
      'stream_invalid_frames{reason="invalid-fields"}': 1,
      'stream_invalid_frames{reason="invalid-json"}': 1,
      'stream_invalid_frames{reason="unknown-type"}': 1,
    });
    expect(counters.get('stream_events{type="TRANSCRIPT_FRAGMENT"}')).toBe(1);
    expect(socket().close).not.toHaveBeenCalled();
    expect(socket().terminate).not.toHaveBeenCalled();
    expect(sut.status()).toMatchObject({ state: 'open', lastMessageAt: Date.now() });
  });

  it('retries first after 100 ms, then backs off exponentially up to reconnectMaxMs', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // no jitter: the full step every time
    sut.start();
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) delays.push(await failAndTimeReconnect());
    expect(delays).toEqual([100, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('keeps the first retry at 100 ms and later ones at least half a step, whatever the jitter', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    sut.start();
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) delays.push(await failAndTimeReconnect());
    expect(delays).toEqual([100, 250, 500, 1000]);
  });

  it('retries a connection that held for a second within 150 ms, however many attempts failed before', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    sut.start();
    await settle();
    for (let i = 0; i < 6; i++) await failAndTimeReconnect(); // the backoff has grown to 8 s

    socket().emit('open');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await failAndTimeReconnect()).toBe(150);
    expect(await failAndTimeReconnect()).toBe(100); // that attempt failed: backoff starts over
  });

  it('treats a connection that dies within a second of opening as a failed attempt', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    sut.start();
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      socket().emit('open');
      await vi.advanceTimersByTimeAsync(999);
      delays.push(await failAndTimeReconnect());
    }
    expect(delays).toEqual([100, 500, 1000, 2000]);
  });

  it('on a 401 handshake invalidates the token it used and retries at once with a new one', async () => {
    sut.start();
    await settle();
    const response = socket().refuseHandshake(401);
    expect(invalidate).toHaveBeenCalledExactlyOnceWith('secret-token-1');
    expect(response.resume).toHaveBeenCalled();
    expect(socket().terminate).toHaveBeenCalled();
    expect(counters.get('stream_handshake_failures{status="401"}')).toBe(1);
    expect(sut.status().lastError).toBe('handshake HTTP 401');

    socket().emit('close', 1006); // what ws does after terminate() during the handshake
    await settle();
    expect(open).toHaveBeenCalledTimes(2);
    expect(openedUrl(1).searchParams.get('access_token')).toBe('secret-token-2');
  });

  it('backs off when the fresh token is refused too, instead of looping on 401', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    sut.start();
    await settle();
    socket().refuseHandshake(401);
    expect(await failAndTimeReconnect()).toBe(0);
    socket().refuseHandshake(401);
    expect(await failAndTimeReconnect()).toBe(100);
    socket().refuseHandshake(401);
    expect(await failAndTimeReconnect()).toBe(500);
  });

  it('waits for the token service instead of backing off, and connects once it holds a token', async () => {
    const tokenStatus = new BehaviorSubject({ valid: false });
    let tokenValid = false;
    getToken.mockRejectedValue(new Error('token endpoint down'));
    Object.assign(authMock, { status$: tokenStatus, status: () => ({ valid: tokenValid }) });
    sut.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(open).not.toHaveBeenCalled();
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(sut.status()).toMatchObject({ state: 'reconnecting', lastError: 'no access token' });

    getToken.mockResolvedValue('secret-token-after-outage');
    tokenValid = true;
    tokenStatus.next({ valid: true });
    await settle();
    expect(open).toHaveBeenCalledTimes(1);
    expect(openedUrl(0).searchParams.get('access_token')).toBe('secret-token-after-outage');
  });

  it('does not invalidate the token when the handshake fails for another reason', async () => {
    sut.start();
    await settle();
    socket().refuseHandshake(503);
    expect(invalidate).not.toHaveBeenCalled();
    expect(socket().terminate).toHaveBeenCalled();
  });

  it('terminates a socket whose peer misses a pong for one ping interval', async () => {
    sut.start();
    await settle();
    socket().emit('open');
    await vi.advanceTimersByTimeAsync(5000);
    expect(socket().ping).toHaveBeenCalledTimes(5);
    expect(socket().terminate).not.toHaveBeenCalled();

    socket().autoPong = false;
    await vi.advanceTimersByTimeAsync(1000); // ping goes out unanswered
    expect(socket().ping).toHaveBeenCalledTimes(6);
    expect(socket().terminate).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket().terminate).toHaveBeenCalledTimes(1);
    expect(counters.get('stream_dead_sockets')).toBe(1);

    const dead = socket();
    dead.emit('close', 1006);
    await vi.advanceTimersByTimeAsync(150);
    expect(open).toHaveBeenCalledTimes(2);
    socket().emit('open');
    await vi.advanceTimersByTimeAsync(5000);
    expect(socket().ping).toHaveBeenCalledTimes(5);
    expect(dead.ping).toHaveBeenCalledTimes(6); // the dropped socket's heartbeat stopped with it
    expect(dead.terminate).toHaveBeenCalledTimes(1);
  });

  it('reports idle → connecting → open → reconnecting → open, with the reconnect count', async () => {
    vi.setSystemTime(1_000_000);
    const states: [EventSourceState, number][] = [];
    sut.status$.subscribe((status) => {
      const last = states[states.length - 1];
      if (!last || last[0] !== status.state) states.push([status.state, status.reconnects]);
    });
    expect(sut.status()).toMatchObject({ state: 'idle', reconnects: 0 });

    sut.start();
    expect(sut.status()).toMatchObject({ state: 'connecting', since: 1_000_000 });
    await vi.advanceTimersByTimeAsync(50);
    socket().emit('open');
    expect(sut.status()).toMatchObject({ state: 'open', since: 1_000_050, reconnects: 0 });

    socket().emit('close', 1011);
    expect(sut.status()).toMatchObject({ state: 'reconnecting', reconnects: 1, lastCloseCode: 1011 });
    await vi.advanceTimersByTimeAsync(100);
    socket().emit('open');
    expect(sut.status()).toMatchObject({ state: 'open', reconnects: 1 });

    expect(states).toEqual([
      ['idle', 0],
      ['connecting', 0],
      ['open', 0],
      ['reconnecting', 1],
      ['open', 1],
    ]);
  });

  it('stop() completes events$, closes the socket with 1001 and never reconnects', async () => {
    const seen = { completed: false };
    sut.events$.subscribe({ complete: () => (seen.completed = true) });
    sut.start();
    await settle();
    const live = socket();
    live.emit('open');

    sut.stop();
    expect(seen.completed).toBe(true);
    expect(live.close).toHaveBeenCalledWith(1001, expect.any(String));
    expect(sut.status().state).toBe('stopped');

    live.emit('close', 1001);
    expect(counters.get('stream_disconnects')).toBe(0); // our own close is not a drop
    expect(sut.status()).toMatchObject({ state: 'stopped' });
    expect(sut.status().lastCloseCode).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(open).toHaveBeenCalledTimes(1);
    expect(live.ping).not.toHaveBeenCalled();
    expect(live.terminate).toHaveBeenCalledTimes(1); // the close grace ran out
  });

  it('stop() hands over the frames already received before events$ completes', async () => {
    const events: StreamEvent[] = [];
    let completedAfter = -1;
    sut.events$.subscribe({ next: (event) => events.push(event), complete: () => (completedAfter = events.length) });
    sut.start();
    await settle();
    socket().emit('open');
    socket().frame(FRAGMENT);
    socket().frame({ type: 'INTERACTION_ENDED', interactionId: 'i-1' });

    sut.stop();

    expect(completedAfter).toBe(2);
  });

  it('stop() cancels a pending reconnect', async () => {
    sut.start();
    await settle();
    socket().emit('close', 1006);
    expect(vi.getTimerCount()).toBe(1);
    sut.stop();
    expect(vi.getTimerCount()).toBe(0); // nothing left to fire, nothing to keep the process alive
    await vi.advanceTimersByTimeAsync(60_000);
    expect(open).toHaveBeenCalledTimes(1);
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it('never logs the token', async () => {
    const logged: unknown[] = [];
    for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
      vi.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(...args));
    }
    sut.start();
    await settle();
    socket().refuseHandshake(401);
    socket().emit('close', 1006);
    await vi.advanceTimersByTimeAsync(100);
    socket().emit('open');
    socket().frame('{not json');
    socket().autoPong = false;
    await vi.advanceTimersByTimeAsync(2000);
    socket().emit('close', 1006);
    await vi.advanceTimersByTimeAsync(500);
    socket().emit('error', Object.assign(new Error(`failed: ${openedUrl(0).href}`), { code: 'ECONNRESET' }));

    expect(open).toHaveBeenCalledTimes(3);
    const text = logged.map(String).join('\n');
    expect(text).toContain('Stream connected to wss://x.example/stream');
    expect(text).toContain('Stream closed');
    expect(text).not.toMatch(/secret-token|access_token/);
    expect(JSON.stringify(sut.status())).not.toMatch(/secret-token|access_token/);
  });
});
