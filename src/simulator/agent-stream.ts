import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { FaultPlan } from './fault-plan.js';
import { bearerToken } from './http-exchange.js';
import type { TokenRegistry } from './token-registry.js';

export const STREAM_PATH = '/cxoneapi/v2/agentassist/stream';

// The stream is one-way (CXone -> service); nothing legitimate from the client is large.
const MAX_INBOUND_FRAME_BYTES = 64 * 1024;
// Close codes that may never be sent on the wire; asking for them means "drop abruptly".
const UNSENDABLE_CLOSE_CODES = new Set([1005, 1006, 1015]);

export interface AgentStreamDeps {
  tokens: TokenRegistry;
  faults: FaultPlan;
  recordHandshake(status: number): void;
  log(line: string): void;
}

/** The Agent Assist WebSocket: authenticated upgrades, server-pushed events, and ways to break it. */
export class AgentStream {
  // Pongs are answered by hand so a frozen socket can stay silent while still being read,
  // which lets the simulator notice when the client gives up on it and closes.
  private readonly wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
    maxPayload: MAX_INBOUND_FRAME_BYTES,
  });
  private readonly frozen = new WeakSet<WebSocket>();
  private acceptedCount = 0;
  private closeAtTokenExpiry = false;

  constructor(private readonly deps: AgentStreamDeps) {}

  /** Handshakes that succeeded since construction (never reset). */
  get accepted(): number {
    return this.acceptedCount;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    if (url.pathname !== STREAM_PATH) {
      rejectUpgrade(socket, 404);
      return;
    }
    const rejection = this.deps.faults.takeHandshakeRejection() ?? this.authFailure(req, url);
    if (rejection !== undefined) {
      this.deps.recordHandshake(rejection);
      this.deps.log(`stream handshake rejected with ${rejection}`);
      rejectUpgrade(socket, rejection);
      return;
    }
    const token = url.searchParams.get('access_token') ?? bearerToken(req.headers.authorization);
    const expiresAt = this.deps.tokens.expiresAt(token ?? undefined);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.adopt(ws, expiresAt));
  }

  /**
   * As a tenant that authenticates the socket, not just the handshake: each socket opened from now on is
   * closed (1008 'token expired') when the token it was opened with expires.
   */
  setCloseAtTokenExpiry(enabled: boolean): void {
    this.closeAtTokenExpiry = enabled;
  }

  send(event: object | string): number {
    const frame = typeof event === 'string' ? event : JSON.stringify(event);
    let reached = 0;
    for (const ws of this.liveSockets()) {
      ws.send(frame);
      reached++;
    }
    return reached;
  }

  /** No code (or a code that cannot be sent) = abrupt terminate, which the client sees as 1006. */
  drop(code?: number, reason?: string): void {
    for (const ws of this.wss.clients) {
      if (code === undefined || UNSENDABLE_CLOSE_CODES.has(code)) ws.terminate();
      else ws.close(code, reason);
    }
  }

  /** Simulates a dead peer: no pongs, no events; the socket stays open until the client gives up. */
  freeze(): void {
    for (const ws of this.wss.clients) this.frozen.add(ws);
  }

  openCount(): number {
    let open = 0;
    for (const ws of this.wss.clients) if (ws.readyState === WebSocket.OPEN) open++;
    return open;
  }

  terminateAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  private authFailure(req: IncomingMessage, url: URL): number | undefined {
    const token = url.searchParams.get('access_token') ?? bearerToken(req.headers.authorization);
    return this.deps.tokens.isValid(token ?? undefined) ? undefined : 401;
  }

  private adopt(ws: WebSocket, tokenExpiresAt: number | undefined): void {
    this.acceptedCount++;
    this.deps.recordHandshake(101);
    this.deps.log(`stream connected (${this.openCount()} open)`);
    ws.on('error', () => undefined);
    if (this.closeAtTokenExpiry && tokenExpiresAt !== undefined) {
      const expiry = setTimeout(() => ws.close(1008, 'token expired'), Math.max(tokenExpiresAt - Date.now(), 0));
      expiry.unref();
      ws.once('close', () => clearTimeout(expiry));
    }
    ws.on('ping', (data) => {
      if (!this.frozen.has(ws)) ws.pong(data);
    });
    ws.on('close', (code) => this.deps.log(`stream closed with ${code}`));
  }

  private *liveSockets(): Iterable<WebSocket> {
    for (const ws of this.wss.clients) {
      if (ws.readyState === WebSocket.OPEN && !this.frozen.has(ws)) yield ws;
    }
  }
}

/** A plain HTTP answer on the raw socket, so the ws client reports 'unexpected-response' with this status. */
function rejectUpgrade(socket: Duplex, status: number): void {
  const body = JSON.stringify({ error: status === 401 ? 'invalid_token' : 'handshake_rejected' });
  const reason = STATUS_CODES[status] ?? 'Error';
  const extra = status === 401 ? 'WWW-Authenticate: Bearer error="invalid_token"\r\n' : '';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      extra +
      '\r\n' +
      body,
  );
}
