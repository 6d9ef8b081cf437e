import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { BehaviorSubject, filter, first, type Observable, Subject, type Subscription } from 'rxjs';
import type WebSocket from 'ws';
import { AuthService } from '../auth/auth.service.js';
import { Counters } from '../common/counters.js';
import { redactUrl } from '../common/redact-url.js';
import { TimeSlicedQueue } from '../common/time-sliced-queue.js';
import type { AppConfig } from '../config/app-config.js';
import type { StreamEvent } from '../domain/events.js';
import type { EventSource, EventSourceStatus } from './event-source.js';
import { WebSocketConnector } from './websocket-connector.js';
import { FrameLogLimiter } from './frame-log-limiter.js';
import { type AttemptOutcome, ReconnectPolicy } from './reconnect-policy.js';
import { StreamFrameParser } from './stream-frame.parser.js';

type StreamStatus = EventSourceStatus;

const HANDSHAKE_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 1000;
/**
 * Frames above STREAM_MAX_FRAME_BYTES are skipped after ws has read them; beyond this much ws must close
 * the socket itself (1009) instead of holding the frame in memory. Such a close is counted as an
 * oversized frame, and the stream reconnects.
 */
const SOCKET_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
/** Frame handling per turn of the event loop, and frames waiting before the socket is paused. */
const INBOX = { sliceMs: 2, maxQueued: 10_000 };

/**
 * The tutorial's Agent Assist WebSocket stream (CXONE_STREAM_URL) as an event source. Reads it forever: a fresh token on every connect, ping/pong keep-alive that
 * terminates a dead socket, reconnects as ReconnectPolicy says (at once after a drop, backoff only for
 * attempts that fail), waits for the token service rather than backing off when no token can be had,
 * and every frame parsed and validated into a typed event. Bad frames are counted and skipped.
 */
@Injectable()
export class AgentAssistStreamSource implements EventSource {
  private readonly logger = new Logger(AgentAssistStreamSource.name);
  private readonly eventsSubject = new Subject<StreamEvent>();
  private readonly statusSubject: BehaviorSubject<StreamStatus>;
  private readonly parser: StreamFrameParser;
  private readonly rejectedFrameLog = new FrameLogLimiter();
  private readonly inbox = new TimeSlicedQueue<WebSocket.RawData>((data) => this.onFrame(data), INBOX);
  private socket?: WebSocket;
  private reconnectTimer?: NodeJS.Timeout;
  private tokenWait?: Subscription;
  private heartbeat?: NodeJS.Timeout;
  private readonly reconnect: ReconnectPolicy;
  private stopped = false;
  private readonly settings: AppConfig['stream'];
  private readonly streamUrl: string;

  constructor(
    private readonly connector: WebSocketConnector,
    private readonly auth: AuthService,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('stream', { infer: true });
    this.streamUrl = config.get('cxone', { infer: true }).streamUrl;
    this.reconnect = new ReconnectPolicy({ maxMs: this.settings.reconnectMaxMs });
    this.parser = new StreamFrameParser({ ...this.parserLimits() });
    this.statusSubject = new BehaviorSubject<StreamStatus>({ state: 'idle', since: Date.now(), reconnects: 0 });
  }

  /** Typed events, hot; completes once the stream is stopped. */
  get events$(): Observable<StreamEvent> {
    return this.eventsSubject.asObservable();
  }

  get status$(): Observable<StreamStatus> {
    return this.statusSubject.asObservable();
  }

  status(): StreamStatus {
    return this.statusSubject.value;
  }

  start(): void {
    if (this.stopped || this.status().state !== 'idle') return;
    void this.connect();
  }

  /** Stops reading for good: closes the socket, cancels reconnects, completes events$. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.tokenWait?.unsubscribe();
    // What was received is handled before events$ completes: its text is flushed like the rest.
    this.inbox.flush();
    this.stopHeartbeat();
    const socket = this.socket;
    if (socket) {
      socket.close(1001, 'service shutting down');
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    }
    this.setStatus({ state: 'stopped' });
    this.eventsSubject.complete();
  }

  private parserLimits() {
    return { maxFrameBytes: this.settings.maxFrameBytes, maxTextChars: 8000, maxIdChars: 128 };
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const status = this.status();
    this.setStatus({ state: status.state === 'idle' ? 'connecting' : 'reconnecting' });
    let token: string;
    try {
      token = await this.auth.getToken();
    } catch {
      return this.waitForToken();
    }
    if (this.stopped) return;
    let socket: WebSocket;
    try {
      const url = new URL(this.streamUrl);
      url.searchParams.set('access_token', token);
      socket = this.connector.open(url.toString(), {
        handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
        maxPayloadBytes: Math.max(SOCKET_MAX_PAYLOAD_BYTES, this.settings.maxFrameBytes * 4),
      });
    } catch {
      this.setStatus({ lastError: 'socket could not be opened' });
      return this.scheduleReconnect({ kind: 'connect-failed' });
    }
    this.socket = socket;
    let openedAt: number | undefined;
    let refusedWith: number | undefined;

    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      refusedWith = status;
      response.resume();
      if (status === 401) this.auth.invalidate(token);
      this.counters.count('stream_handshake_failures', { status: String(status) });
      this.logger.warn(`Stream handshake refused with HTTP ${status}${status === 401 ? '; refreshing the token' : ''}`);
      this.setStatus({ lastError: `handshake HTTP ${status}` });
      socket.terminate();
    });
    socket.on('open', () => {
      openedAt = Date.now();
      this.logger.log(`Stream connected to ${redactUrl(this.streamUrl)}`);
      this.setStatus({ state: 'open', lastError: undefined });
      this.inbox.attach({ pause: () => socket.pause(), resume: () => socket.resume() });
      this.startHeartbeat(socket);
    });
    socket.on('message', (data) => this.inbox.push(data));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // ws error messages can quote the request; keep only the code.
      this.setStatus({ lastError: error.code ?? 'socket error' });
      if (error.code === MESSAGE_TOO_BIG) {
        this.counters.count('stream_invalid_frames', { reason: 'oversized' });
        this.logger.warn('Skipped a stream frame: oversized beyond the socket limit; the socket closes and reconnects');
      }
    });
    socket.on('close', (code) => {
      this.stopHeartbeat();
      if (this.socket === socket) this.socket = undefined;
      if (this.stopped) return;
      if (openedAt !== undefined) {
        this.counters.count('stream_disconnects');
        this.logger.warn(`Stream closed (code ${code}); reconnecting`);
        this.setStatus({ lastCloseCode: code });
        return this.scheduleReconnect({ kind: 'closed-after-open', openForMs: Date.now() - openedAt });
      }
      this.counters.count('stream_connect_failures');
      this.scheduleReconnect(refusedWith === 401 ? { kind: 'handshake-unauthorized' } : { kind: 'connect-failed' });
    });
  }

  /** No token can be had now: the token service keeps asking, and the stream connects the moment it has one. */
  private waitForToken(): void {
    this.setStatus({ state: 'reconnecting', lastError: 'no access token' });
    this.tokenWait?.unsubscribe();
    this.tokenWait = this.auth.status$
      .pipe(
        // The live status, not the published one: a token that expired unannounced must not count.
        filter(() => this.auth.status().valid),
        first(),
      )
      .subscribe(() => void this.connect());
  }

  private onFrame(data: WebSocket.RawData): void {
    const parsed = this.parser.parse(data as Buffer | Buffer[] | ArrayBuffer);
    // Hot path: noted in place rather than emitted for every frame.
    this.statusSubject.value.lastMessageAt = Date.now();
    if (!parsed.ok) {
      this.counters.count('stream_invalid_frames', { reason: parsed.reason });
      this.rejectedFrameLog.maybeLog(parsed.reason, (suppressed) =>
        this.logger.warn(
          `Skipped a stream frame: ${parsed.reason}${parsed.detail ? ` (${parsed.detail})` : ''}` +
            (suppressed ? `; ${suppressed} more skipped since the last report` : ''),
        ),
      );
      return;
    }
    this.counters.count('stream_events', { type: parsed.event.type });
    this.eventsSubject.next(parsed.event);
  }

  private scheduleReconnect(outcome: AttemptOutcome): void {
    if (this.stopped) return;
    const delay = this.reconnect.next(outcome);
    this.counters.count('stream_reconnects');
    this.setStatus({ state: 'reconnecting', reconnects: this.status().reconnects + 1 });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private startHeartbeat(socket: WebSocket): void {
    let alive = true;
    socket.on('pong', () => (alive = true));
    this.heartbeat = setInterval(() => {
      if (!alive) {
        this.counters.count('stream_dead_sockets');
        this.logger.warn('Stream peer stopped answering pings; dropping the socket');
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }, this.settings.pingIntervalMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private setStatus(change: Partial<StreamStatus>): void {
    const current = this.statusSubject.value;
    const since = change.state && change.state !== current.state ? Date.now() : current.since;
    this.statusSubject.next({ ...current, ...change, since });
  }
}
