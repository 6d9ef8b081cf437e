import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Observable } from 'rxjs';

export interface HttpExchange {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  /** Sent as is (JSON already serialised by the caller). */
  body?: string;
  /** The whole exchange, from connecting to the last byte of the reply. */
  timeoutMs: number;
  /** A longer reply is abandoned, however it is announced. */
  maxResponseBytes: number;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export type HttpFailureKind = 'timeout' | 'network' | 'too-large';

/** No usable reply: the exchange timed out, the connection failed, or the reply was too large. */
export class HttpTransportError extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

/** Keep-alive sockets: one TLS handshake per connection, not per card; LIFO keeps the warm ones busy. */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' as const };

/**
 * The REST calls of the assist loop on bare node:http(s): a search and a push per turn, thousands of
 * turns a minute, so the per-request cost matters (about a third of axios's, bench/NOTES.md). Any
 * status is a reply; deciding what a status means is the caller's business. Unsubscribing aborts.
 */
@Injectable()
export class HttpTransport implements OnApplicationShutdown {
  private readonly httpAgent = new HttpAgent(AGENT_OPTIONS);
  private readonly httpsAgent = new HttpsAgent(AGENT_OPTIONS);

  exchange(exchange: HttpExchange): Observable<HttpReply> {
    return new Observable<HttpReply>((subscriber) => {
      const secure = exchange.url.protocol === 'https:';
      const headers = { ...exchange.headers };
      if (exchange.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(exchange.body));
      let settled = false;
      const fail = (kind: HttpFailureKind, message: string) => {
        if (settled) return;
        settled = true;
        request.destroy();
        subscriber.error(new HttpTransportError(kind, message));
      };
      const request = (secure ? httpsRequest : httpRequest)(
        exchange.url,
        { method: exchange.method, headers, agent: secure ? this.httpsAgent : this.httpAgent },
        (response) => {
          const announced = Number(response.headers['content-length']);
          if (announced > exchange.maxResponseBytes) return fail('too-large', `reply of ${announced} bytes`);
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > exchange.maxResponseBytes) fail('too-large', `reply over ${exchange.maxResponseBytes} bytes`);
            else chunks.push(chunk);
          });
          response.on('end', () => {
            if (settled) return;
            settled = true;
            const body = Buffer.concat(chunks, size).toString('utf8');
            subscriber.next({ status: response.statusCode ?? 0, headers: response.headers, body });
            subscriber.complete();
          });
          response.on('error', (error: NodeJS.ErrnoException) => fail('network', error.code ?? 'reply aborted'));
        },
      );
      // Only the code: a Node network error message can quote the address and port, never the query.
      request.on('error', (error: NodeJS.ErrnoException) => fail('network', error.code ?? 'connection failed'));
      const timer = setTimeout(
        () => fail('timeout', `no complete reply within ${exchange.timeoutMs} ms`),
        exchange.timeoutMs,
      );
      request.end(exchange.body);
      return () => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          request.destroy();
        }
      };
    });
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
