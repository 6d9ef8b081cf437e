import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CxoneSimulator, type Conversation } from './index.js';
import { issueSpecToken, SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

describe(CxoneSimulator.name, () => {
  let sut: CxoneSimulator;
  const clients: WebSocket[] = [];

  beforeEach(async () => {
    sut = new CxoneSimulator({ clientId: SPEC_CLIENT_ID, clientSecret: SPEC_CLIENT_SECRET });
    await sut.start();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await sut.stop();
  });

  const issueToken = () => issueSpecToken(sut);

  function connect(token: string): WebSocket {
    const client = new WebSocket(`${sut.streamUrl}?access_token=${encodeURIComponent(token)}`);
    clients.push(client);
    return client;
  }

  async function connectOpen(): Promise<WebSocket> {
    const client = connect(await issueToken());
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    return client;
  }

  function handshakeStatus(client: WebSocket): Promise<number> {
    return new Promise((resolve, reject) => {
      client.once('open', () => resolve(101));
      client.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      client.once('error', reject);
    });
  }

  function nextMessage(client: WebSocket): Promise<string> {
    return new Promise((resolve) => client.once('message', (data) => resolve(data.toString())));
  }

  function closeCode(client: WebSocket): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) =>
      client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  function pongWithin(client: WebSocket, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      client.once('pong', () => {
        clearTimeout(timer);
        resolve(true);
      });
      client.ping();
    });
  }

  describe('handshake', () => {
    it('accepts a valid token, records 101 and counts the connection', async () => {
      const client = connect(await issueToken());

      expect(await handshakeStatus(client)).toBe(101);
      await sut.waitForConnections(1, 1000);
      expect(sut.openConnections()).toBe(1);
      expect(sut.received.handshakes.map((h) => h.status)).toEqual([101]);
    });

    it('rejects an invalid or revoked token with a 401 response and records it', async () => {
      const token = await issueToken();
      sut.revokeTokens();

      const status = await handshakeStatus(connect(token));
      const unknown = await handshakeStatus(connect('not-a-token'));

      expect([status, unknown]).toEqual([401, 401]);
      expect(sut.received.handshakes.map((h) => h.status)).toEqual([401, 401]);
    });

    it('makes a client without an unexpected-response listener emit an error naming 401', async () => {
      const client = connect('not-a-token');

      const error = await new Promise<Error>((resolve) => client.once('error', resolve));

      expect(error.message).toContain('401');
    });

    it('rejects the queued number of handshakes, then accepts again', async () => {
      const token = await issueToken();
      sut.rejectNextHandshakes(2, 503);

      const statuses = [
        await handshakeStatus(connect(token)),
        await handshakeStatus(connect(token)),
        await handshakeStatus(connect(token)),
      ];

      expect(statuses).toEqual([503, 503, 101]);
      expect(sut.received.handshakes.map((h) => h.status)).toEqual([503, 503, 101]);
    });

    it('counts successful handshakes in total so a reconnect can be awaited as previous + 1', async () => {
      await connectOpen();
      await sut.waitForConnections(1, 1000);
      sut.reset();
      sut.dropConnections();

      await connectOpen();

      await expect(sut.waitForConnections(2, 1000)).resolves.toBeUndefined();
      expect(sut.acceptedHandshakes).toBe(2);
      await expect(sut.waitForConnections(3, 50)).rejects.toThrow('3 accepted stream handshake(s)');
    });
  });

  describe('sending', () => {
    it('sends an event as JSON, and a string raw, to every open socket', async () => {
      const first = await connectOpen();
      const second = await connectOpen();

      const json = Promise.all([nextMessage(first), nextMessage(second)]);
      const reached = sut.send({ type: 'DIALOG_STATE', interactionId: 'i-1', state: 'TURN_END' });
      expect(reached).toBe(2);
      expect((await json).map((frame) => JSON.parse(frame))).toEqual([
        { type: 'DIALOG_STATE', interactionId: 'i-1', state: 'TURN_END' },
        { type: 'DIALOG_STATE', interactionId: 'i-1', state: 'TURN_END' },
      ]);

      const raw = nextMessage(first);
      sut.send('{not json');
      expect(await raw).toBe('{not json');
    });

    it('plays a conversation faster than real time with the interactionId filled in', async () => {
      const client = await connectOpen();
      const received: Record<string, unknown>[] = [];
      client.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
      const script: Conversation = {
        id: 'conv-x',
        title: 'short',
        events: [
          { delayMs: 200, event: { type: 'TRANSCRIPT_FRAGMENT', speaker: 'CUSTOMER', text: 'my voicemail' } },
          { delayMs: 200, event: { type: 'DIALOG_STATE', state: 'TURN_END', interactionId: 'own-id' } },
          { delayMs: 200, event: { type: 'INTERACTION_ENDED' } },
        ],
      };

      const started = Date.now();
      await sut.playConversation(script, { speed: 10, interactionId: 'i-7' });
      await sut.waitFor(() => received.length === 3, 1000, 'three played events');

      expect(Date.now() - started).toBeLessThan(400);
      expect(received.map((e) => e.interactionId)).toEqual(['i-7', 'own-id', 'i-7']);
      expect(received[0]).toMatchObject({ type: 'TRANSCRIPT_FRAGMENT', text: 'my voicemail' });
    });
  });

  describe('breaking the stream', () => {
    it('drops connections abruptly so the client sees 1006', async () => {
      const client = await connectOpen();
      const closed = closeCode(client);

      sut.dropConnections();

      expect((await closed).code).toBe(1006);
      await sut.waitFor(() => sut.openConnections() === 0, 1000, 'no open connection');
    });

    it('closes connections with the given code and reason', async () => {
      const client = await connectOpen();
      const closed = closeCode(client);

      sut.dropConnections(4001, 'rotation');

      expect(await closed).toEqual({ code: 4001, reason: 'rotation' });
    });

    it('freezes connections: pings go unanswered and events stop', async () => {
      const client = await connectOpen();
      expect(await pongWithin(client, 500)).toBe(true);

      sut.freezeConnections();

      expect(await pongWithin(client, 200)).toBe(false);
      expect(sut.send({ type: 'INTERACTION_ENDED', interactionId: 'i-1' })).toBe(0);
    });

    it('notices when the client gives up on a frozen connection', async () => {
      const client = await connectOpen();
      sut.freezeConnections();

      client.terminate();

      await sut.waitFor(() => sut.openConnections() === 0, 1000, 'the frozen socket to be released');
    });

    it('closes a socket with 1008 when its token expires, once asked to', async () => {
      sut.setTokenTtl(1);
      const before = await connectOpen();
      sut.closeStreamsAtTokenExpiry();
      const after = await connectOpen();
      const openedAt = Date.now();

      const closed = await closeCode(after);

      expect(closed).toEqual({ code: 1008, reason: 'token expired' });
      expect(Date.now() - openedAt).toBeGreaterThanOrEqual(900);
      expect(before.readyState).toBe(WebSocket.OPEN); // opened before it was asked
    });

    it('stop() closes every socket and can be called twice', async () => {
      const client = await connectOpen();
      const closed = closeCode(client);

      await Promise.all([sut.stop(), sut.stop()]);
      await sut.stop();

      expect((await closed).code).toBe(1006);
    });
  });
});
