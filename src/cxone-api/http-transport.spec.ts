import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpExchange, HttpTransport, HttpTransportError } from './http-transport.js';

describe(HttpTransport.name, () => {
  let sut: HttpTransport;
  let server: Server;
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  let connections = 0;
  let closedRequests = 0;

  const exchange = (overrides: Partial<HttpExchange> = {}): HttpExchange => {
    const { port } = server.address() as { port: number };
    return {
      method: 'GET',
      url: new URL(`http://127.0.0.1:${port}/api/v2/knowledge/articles/search?q=reset+pin`),
      headers: { Authorization: 'Bearer t-1' },
      timeoutMs: 2000,
      maxResponseBytes: 1024,
      ...overrides,
    };
  };

  beforeEach(async () => {
    sut = new HttpTransport();
    received.length = 0;
    connections = 0;
    closedRequests = 0;
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"entities":[]}');
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        handler(req, res, body);
      });
      res.on('close', () => {
        if (!res.writableFinished) closedRequests++;
      });
    });
    server.on('connection', () => connections++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterEach(async () => {
    sut.onApplicationShutdown();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('sends method, path, query, headers and body, and returns status, headers and body', async () => {
    handler = (_req, res) => res.writeHead(201, { 'x-request-id': 'r-1' }).end('{"ok":true}');

    const reply = await firstValueFrom(
      sut.exchange(
        exchange({ method: 'POST', body: '{"interactionId":"i-1"}', headers: { 'Content-Type': 'application/json' } }),
      ),
    );

    expect(reply).toMatchObject({ status: 201, body: '{"ok":true}', headers: { 'x-request-id': 'r-1' } });
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/api/v2/knowledge/articles/search?q=reset+pin',
      body: '{"interactionId":"i-1"}',
      headers: { 'content-type': 'application/json', 'content-length': '23' },
    });
  });

  it('returns an error status as a reply, for the caller to judge', async () => {
    handler = (_req, res) => res.writeHead(429, { 'retry-after': '2' }).end('{}');

    const reply = await firstValueFrom(sut.exchange(exchange()));

    expect(reply).toMatchObject({ status: 429, headers: { 'retry-after': '2' } });
  });

  it('keeps the connection alive between requests', async () => {
    for (let i = 0; i < 5; i++) await lastValueFrom(sut.exchange(exchange()));
    expect(received).toHaveLength(5);
    expect(connections).toBe(1);
  });

  it('fails with a timeout when the reply does not come in time, and drops the request', async () => {
    handler = () => undefined; // never answers

    const failure = await firstValueFrom(sut.exchange(exchange({ timeoutMs: 100 }))).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(HttpTransportError);
    expect(failure).toMatchObject({ kind: 'timeout' });
    await expect.poll(() => closedRequests).toBe(1);
  });

  it('abandons a reply larger than allowed, announced or not', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
    await expect(firstValueFrom(sut.exchange(exchange()))).rejects.toMatchObject({ kind: 'too-large' });

    handler = (_req, res) => {
      res.writeHead(200);
      res.write('x'.repeat(800));
      res.end('y'.repeat(800));
    };
    await expect(firstValueFrom(sut.exchange(exchange()))).rejects.toMatchObject({ kind: 'too-large' });
  });

  it('fails with a network error naming only the code when nothing listens', async () => {
    const { port } = server.address() as { port: number };
    const request = exchange({ url: new URL(`http://127.0.0.1:${port}/path?access_token=secret-value`) });
    server.close();

    const failure = (await firstValueFrom(sut.exchange(request)).catch((error: unknown) => error)) as Error;

    expect(failure).toMatchObject({ kind: 'network', message: 'ECONNREFUSED' });
    expect(failure.message).not.toContain('secret-value');
    server.listen(0, '127.0.0.1'); // afterEach closes it again
    await once(server, 'listening');
  });

  it('aborts the request when the caller unsubscribes', async () => {
    handler = () => undefined;
    const subscription = sut.exchange(exchange()).subscribe();
    await expect.poll(() => received.length).toBe(1);

    subscription.unsubscribe();

    await expect.poll(() => closedRequests).toBe(1);
  });
});
