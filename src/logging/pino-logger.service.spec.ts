import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AXIOS_SECRETS, JWT, refusedTokenCall } from './logging-spec-kit.js';
import { createLogger } from './pino-logger.service.js';

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

  it('censors secret headers nested anywhere, any case', () => {
    const { logger, lines } = capture();
    logger.log({
      msg: 'upstream call',
      req: { headers: { Authorization: 'Bearer abc', cookie: 'sid=s-1' } },
      call: {
        attempt: { request: { headers: { 'proxy-authorization': 'Basic cHJveHk6cHc=', 'X-Deki-Token': 'tkn_1' } } },
      },
    });

    expect(lines[0].req.headers).toEqual({ Authorization: '[REDACTED]', cookie: '[REDACTED]' });
    expect(lines[0].call.attempt.request.headers).toEqual({
      'proxy-authorization': '[REDACTED]',
      'X-Deki-Token': '[REDACTED]',
    });
    expect(JSON.stringify(lines[0])).not.toMatch(/abc|s-1|cHJveHk6cHc|tkn_1/);
  });

  it('logs an AxiosError, as the message or as a field, without any of its credentials', () => {
    const { logger, lines } = capture();
    logger.error(refusedTokenCall(), 'AuthService');
    logger.warn({ msg: 'Token call failed', error: refusedTokenCall() }, 'AuthService');

    const text = JSON.stringify(lines);
    for (const secret of AXIOS_SECRETS) expect(text).not.toContain(secret);
    for (const line of lines) {
      expect(line.error).toMatchObject({
        type: 'AxiosError',
        status: 401,
        config: { headers: { Authorization: '[REDACTED]' }, data: expect.stringContaining('[REDACTED client_secret]') },
        response: { data: { access_token: '[REDACTED]', error: 'invalid_client' } },
      });
    }
    expect(lines[0]).toMatchObject({
      level: 'error',
      context: 'AuthService',
      msg: 'Request failed with status code 401',
    });
  });

  it('scrubs form bodies and JSON-quoted tokens in messages and string fields', () => {
    const { logger, lines } = capture();
    logger.warn('token call sent grant_type=password&username=k1&password=pw-1', 'Ctx');
    logger.warn(`token reply {"access_token": "at-1", 'refresh_token':'rt-1', "id_token":"${JWT}"}`, 'Ctx');
    logger.warn({ msg: 'sent', body: 'grant_type=client_credentials&client_secret=cs-1' }, 'Ctx');

    expect(lines.map((line) => line.msg)).toEqual([
      'token call sent grant_type=password&username=k1&[REDACTED password]',
      `token reply {"access_token": "[REDACTED]", 'refresh_token':'[REDACTED]', "id_token":"[REDACTED]"}`,
      'sent',
    ]);
    expect(lines[2].body).toBe('grant_type=client_credentials&[REDACTED client_secret]');
  });

  it('scrubs bearer tokens whatever their case, and tokens in Error messages and stacks', () => {
    const { logger, lines } = capture();
    logger.warn('retrying with authorization: bearer at-2', 'Ctx');
    logger.error(new Error(`refresh failed: BEARER at-3 rejected, id ${JWT}`), 'Ctx');
    logger.error('failed', `Error: upstream said access_token=at-4\n    at somewhere`, 'Ctx');

    expect(lines[0].msg).toBe('retrying with authorization: bearer [REDACTED]');
    expect(lines[1].msg).toBe('refresh failed: BEARER [REDACTED] rejected, id [REDACTED]');
    expect(lines[1].error.message).toBe(lines[1].msg);
    expect(lines[1].error.stack).toContain('refresh failed: BEARER [REDACTED] rejected');
    expect(lines[2].stack).toContain('upstream said [REDACTED access_token]');
    expect(JSON.stringify(lines)).not.toMatch(/at-[234]|eyJhbGci/);
  });

  it('redacts lines written straight through the pino instance too', () => {
    const { logger, lines } = capture();
    logger.pino.info({ headers: { authorization: 'Bearer at-5' } }, 'sent %s', 'client_secret=cs-2');
    logger.pino.error(new Error('Bearer at-6 expired'));

    expect(lines[0]).toMatchObject({ headers: { authorization: '[REDACTED]' }, msg: 'sent [REDACTED client_secret]' });
    expect(lines[1]).toMatchObject({ msg: 'Bearer [REDACTED] expired', err: { message: 'Bearer [REDACTED] expired' } });
    expect(JSON.stringify(lines)).not.toMatch(/at-[56]|cs-2/);
  });

  it('leaves ordinary lines as they were', () => {
    const { logger, lines } = capture();
    logger.log(
      {
        msg: 'Pushed 2 card(s) for interaction call-1',
        interactionId: 'call-1',
        url: 'https://kb.example.com/a?page=1',
      },
      'InsightsService',
    );

    expect(lines[0]).toEqual({
      level: 'info',
      time: lines[0].time,
      pid: process.pid,
      context: 'InsightsService',
      msg: 'Pushed 2 card(s) for interaction call-1',
      interactionId: 'call-1',
      url: 'https://kb.example.com/a?page=1',
    });
  });
});
