import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './pino-logger.service.js';
import { scrubSecrets } from './redaction.js';

function capture(level: 'info' | 'debug' | 'warn' = 'info') {
  const lines: Record<string, any>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level, env: 'production', destination }), lines };
}

describe('PinoLoggerService', () => {
  it('writes one JSON object per line with level, time, context and message', () => {
    const { logger, lines } = capture();
    logger.log('Stream connected', 'StreamService');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', context: 'StreamService', msg: 'Stream connected' });
    expect(typeof lines[0].time).toBe('string');
  });

  it('puts the fields of an object message at the top level, interactionId included', () => {
    const { logger, lines } = capture();
    logger.warn({ msg: 'No cards for interaction call-7', interactionId: 'call-7', utteranceSeq: 2 }, 'AssistPipeline');
    expect(lines[0]).toMatchObject({
      level: 'warn',
      context: 'AssistPipeline',
      msg: 'No cards for interaction call-7',
      interactionId: 'call-7',
      utteranceSeq: 2,
    });
  });

  it('honours the level', () => {
    const { logger, lines } = capture('warn');
    logger.log('hidden', 'Ctx');
    logger.debug('hidden', 'Ctx');
    logger.verbose('hidden', 'Ctx');
    logger.warn('shown', 'Ctx');
    logger.error('shown too', 'Ctx');
    expect(lines.map((line) => line.msg)).toEqual(['shown', 'shown too']);
    const debug = capture('debug');
    debug.logger.debug('detail', 'Ctx');
    debug.logger.verbose('trace only', 'Ctx');
    expect(debug.lines.map((line) => [line.level, line.msg])).toEqual([['debug', 'detail']]);
  });

  it('keeps an error stack and serializes Error messages', () => {
    const { logger, lines } = capture();
    logger.error('failed', 'Error: boom\n    at somewhere', 'ExceptionsHandler');
    logger.error(new Error('kaput'), 'Ctx');
    expect(lines[0]).toMatchObject({
      msg: 'failed',
      context: 'ExceptionsHandler',
      stack: expect.stringContaining('boom'),
    });
    expect(lines[1]).toMatchObject({ msg: 'kaput', error: { type: 'Error', message: 'kaput' } });
  });

  it('redacts secret fields and headers, wherever they are configured', () => {
    const { logger, lines } = capture();
    logger.log({
      msg: 'call',
      headers: { authorization: 'Bearer abc.def' },
      access_token: 'tok-1',
      client_secret: 'sec-1',
      password: 'pw-1',
      token: 'tok-2',
      request: { headers: { Authorization: 'Basic dXNlcjpwYXNz' }, accessToken: 'tok-3' },
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['abc.def', 'tok-1', 'sec-1', 'pw-1', 'tok-2', 'tok-3', 'dXNlcjpwYXNz']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0].headers.authorization).toBe('[REDACTED]');
    expect(lines[0].request.headers.Authorization).toBe('[REDACTED]');
  });

  it('scrubs tokens out of message text and stacks', () => {
    const { logger, lines } = capture();
    logger.warn('GET wss://x.example.com/stream?access_token=eyJhbGc.payload.sig&x=1 failed', 'Ctx');
    logger.error('refused', 'Error: header Bearer eyJ0eXAi.abc-def_ghi rejected', 'Ctx');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/access_token=/);
    expect(text).not.toContain('eyJhbGc');
    expect(text).not.toContain('eyJ0eXAi');
    expect(lines[0].msg).toContain('&x=1 failed');
  });
});

describe(scrubSecrets.name, () => {
  it('removes query and form secrets and bearer tokens, nothing else', () => {
    expect(scrubSecrets('grant_type=client_credentials&client_secret=s3cr3t&client_id=abc')).toBe(
      'grant_type=client_credentials&[REDACTED client_secret]&client_id=abc',
    );
    expect(scrubSecrets('Authorization: Bearer abc.DEF-123_~+/==')).toBe('Authorization: Bearer [REDACTED]');
    expect(scrubSecrets('Pushed 2 card(s) for interaction call-1')).toBe('Pushed 2 card(s) for interaction call-1');
  });
});
