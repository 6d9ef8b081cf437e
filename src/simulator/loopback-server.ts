import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface LoopbackServerOptions {
  host: string;
  /** 0 = ephemeral. */
  port: number;
  listener: RequestListener;
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Called as a stop begins, before sockets close (e.g. to terminate WebSockets). */
  onStop(): void;
  log(line: string): void;
}

/** The simulator's HTTP server: start and stop are idempotent, may overlap, and a stopped server starts again. */
export class LoopbackServer {
  private server: Server | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private port: number | undefined;
  private lifetime = new AbortController();

  constructor(private readonly options: LoopbackServerOptions) {}

  start(): Promise<void> {
    if (this.server) return Promise.resolve();
    this.starting ??= this.listen().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Closes every socket and the server; safe to call twice or before start. */
  stop(): Promise<void> {
    if (this.starting) return this.starting.then(() => this.stop());
    const server = this.server;
    if (!server) return this.stopping ?? Promise.resolve();
    this.server = undefined;
    this.lifetime.abort();
    this.options.onStop();
    server.closeAllConnections();
    this.stopping = new Promise<void>((resolve) => server.close(() => resolve())).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  /** Aborted when the server stops, so pending delays and plays do not outlive it. */
  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  get baseUrl(): string {
    if (this.port === undefined) throw new Error('CxoneSimulator has not been started');
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}`;
  }

  private async listen(): Promise<void> {
    await this.stopping;
    this.lifetime = new AbortController();
    const server = createServer(this.options.listener);
    server.on('upgrade', (req, socket, head) => this.options.onUpgrade(req, socket, head));
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.options.log(`listening on ${this.baseUrl}`);
  }
}
