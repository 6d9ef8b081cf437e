import { describe, expect, it } from 'vitest';

import { AXIOS_SECRETS, JWT, refusedTokenCall } from './logging-spec-kit.js';
import { CIRCULAR, REDACTED, REDACTION_LIMITS, redactLogArguments, redactValue, TRUNCATED } from './redaction.js';

/** The redacted value as it will be written. */
const logged = (value: unknown) => JSON.parse(JSON.stringify(redactValue(value)));

describe('redactValue', () => {
  it('censors secret fields at any depth, whatever their case and separators', () => {
    const value = {
      req: { headers: { Authorization: 'Bearer abc', cookie: 'sid=1', 'X-Deki-Token': 'tkn_1' } },
      a: { b: { c: { d: { e: { 'proxy-authorization': 'Basic x', 'Set-Cookie': ['s=1'] } } } } },
      tokens: [{ access_token: 'at-1', refreshToken: 'rt-1', ID_TOKEN: 'it-1' }],
      oauth: { client_secret: 'cs-1', clientSecret: 'cs-2', code_verifier: 'cv-1', assertion: 'as-1' },
      user: { password: 12345, api_key: 'k-1', apiKey: 'k-2', secret: { nested: 'whole object' } },
      token: 'tok-1',
    };

    expect(logged(value)).toEqual({
      req: { headers: { Authorization: REDACTED, cookie: REDACTED, 'X-Deki-Token': REDACTED } },
      a: { b: { c: { d: { e: { 'proxy-authorization': REDACTED, 'Set-Cookie': REDACTED } } } } },
      tokens: [{ access_token: REDACTED, refreshToken: REDACTED, ID_TOKEN: REDACTED }],
      oauth: { client_secret: REDACTED, clientSecret: REDACTED, code_verifier: REDACTED, assertion: REDACTED },
      user: { password: REDACTED, api_key: REDACTED, apiKey: REDACTED, secret: REDACTED },
      token: REDACTED,
    });
  });

  it('keeps harmless values under secret names, and ordinary fields as they are', () => {
    const value = {
      hasToken: true,
      password: null,
      refreshToken: undefined,
      interactionId: 'call-7',
      utteranceSeq: 2,
      url: 'https://kb.example.com/a?page=1',
      at: new Date('2026-01-02T03:04:05.000Z'),
    };

    expect(logged(value)).toEqual({
      hasToken: true,
      password: null,
      interactionId: 'call-7',
      utteranceSeq: 2,
      url: 'https://kb.example.com/a?page=1',
      at: '2026-01-02T03:04:05.000Z',
    });
  });

  it('scrubs every other string like free text', () => {
    const value = {
      body: 'grant_type=client_credentials&client_secret=s3',
      list: ['authorization: bearer at-2', `id ${JWT}`],
      link: new URL('wss://x.example.com/stream?access_token=at-3'),
      reply: '{"access_token":"at-4"}',
    };

    expect(logged(value)).toEqual({
      body: 'grant_type=client_credentials&[REDACTED client_secret]',
      list: ['authorization: bearer [REDACTED]', 'id [REDACTED]'],
      link: 'wss://x.example.com/stream?[REDACTED access_token]',
      reply: '{"access_token":"[REDACTED]"}',
    });
  });

  it('turns an AxiosError into its message, stack and own fields, every secret censored', () => {
    const error = refusedTokenCall();

    const out = logged(error);
    const text = JSON.stringify(out);

    for (const secret of AXIOS_SECRETS) expect(text).not.toContain(secret);
    expect(out).toMatchObject({
      type: 'AxiosError',
      message: 'Request failed with status code 401',
      stack: expect.stringContaining('AxiosError'),
      code: 'ERR_BAD_REQUEST',
      status: 401,
      request: '[OutgoingMessage]',
      config: {
        url: 'https://api.example.com/oauth/token',
        headers: { Authorization: REDACTED, 'Content-Type': 'application/x-www-form-urlencoded' },
        data: 'grant_type=client_credentials&client_id=e2e&[REDACTED client_secret]',
      },
      response: {
        status: 401,
        headers: { 'set-cookie': REDACTED, 'x-request-id': 'req-77' },
        data: { error: 'invalid_client', access_token: REDACTED, id_token: REDACTED },
      },
    });
  });

  it('follows causes and own properties of plain Errors', () => {
    const cause = Object.assign(new Error(`upstream sent ${JWT}`), { password: 'pw-1', attempt: 2 });
    const error = new Error('refresh failed for Bearer at-5', { cause });

    const out = logged(error);

    expect(JSON.stringify(out)).not.toMatch(/at-5|pw-1|eyJhbGci/);
    expect(out).toMatchObject({
      type: 'Error',
      message: 'refresh failed for Bearer [REDACTED]',
      cause: { type: 'Error', message: 'upstream sent [REDACTED]', password: REDACTED, attempt: 2 },
    });
    expect(out.stack).toContain('refresh failed for Bearer [REDACTED]');
  });

  it('marks cycles and prints shared, non-cyclic objects twice', () => {
    const shared = { name: 'shared' };
    const value: Record<string, unknown> = { a: shared, b: shared };
    value.self = value;

    expect(logged(value)).toEqual({ a: { name: 'shared' }, b: { name: 'shared' }, self: CIRCULAR });
  });

  it('stops at the depth limit, writing a marker instead of what lies below', () => {
    let deep: Record<string, unknown> = { password: 'pw-deep', note: 'Bearer at-deep' };
    for (let i = 0; i < 20; i++) deep = { child: deep };

    const text = JSON.stringify(redactValue(deep));

    expect(text.match(/child/g)).toHaveLength(REDACTION_LIMITS.maxDepth);
    expect(text).toContain('"[Object]"');
    expect(text).not.toMatch(/pw-deep|at-deep/);
  });

  it('visits at most 200 keys or items of an object, array, Set or Map', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const long = Array.from({ length: 10_000 }, (_, i) => i);

    const out = redactValue({ wide, long, set: new Set(long), map: new Map(Object.entries(wide)) }) as any;

    expect(Object.keys(out.wide)).toHaveLength(201);
    expect(out.wide['…']).toBe(TRUNCATED);
    expect(out.long).toHaveLength(201);
    expect(out.long[200]).toBe('[9800 more items cut]');
    expect(out.set).toHaveLength(201);
    expect(Object.keys(out.map)).toHaveLength(201);
  });

  it('bounds the values and characters of one call', () => {
    const many = Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => ({ a: 1, b: 2 })));
    const huge = Array.from({ length: 10 }, () => 'x'.repeat(100_000));

    const manyText = JSON.stringify(redactValue(many));
    const hugeOut = redactValue(huge) as string[];

    expect(manyText.match(/"a":1/g)!.length).toBeLessThan(REDACTION_LIMITS.maxValuesPerCall / 2);
    expect(manyText.endsWith('"[93 more items cut]"]')).toBe(true);
    expect(hugeOut[0]).toBe(`${'x'.repeat(64 * 1024)}…[${100_000 - 64 * 1024} characters cut]`);
    expect(hugeOut.join('').length).toBeLessThan(REDACTION_LIMITS.maxCharsPerCall + 200);
    expect(hugeOut.at(-1)).toBe(TRUNCATED);
  });

  it('logs the size of bytes, never their content', () => {
    const out = logged({ raw: Buffer.from('Bearer at-6'), view: new Uint8Array(4), ab: new ArrayBuffer(3) });

    expect(out).toEqual({ raw: '[Buffer: 11 bytes]', view: '[Uint8Array: 4 bytes]', ab: '[ArrayBuffer: 3 bytes]' });
  });

  it('survives throwing getters and proxies, and leaves the original untouched', () => {
    const hostile = {
      get boom(): string {
        throw new Error('getter');
      },
    };
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const original = { headers: { authorization: 'Bearer at-7' }, hostile, proxy };

    expect(logged(original)).toEqual({
      headers: { authorization: REDACTED },
      hostile: '[Unreadable]',
      proxy: '[Unreadable]',
    });
    expect(original.headers.authorization).toBe('Bearer at-7');
  });
});

describe('redactLogArguments', () => {
  it('redacts the fields, the message and interpolation arguments of one pino call', () => {
    const args = redactLogArguments([{ headers: { Authorization: 'Bearer at-8' } }, 'sent %s', 'access_token=at-9']);

    expect(args).toEqual([{ headers: { Authorization: REDACTED } }, 'sent %s', '[REDACTED access_token]']);
  });

  it("keeps pino's shape for a leading Error: the error under err, its scrubbed message as msg", () => {
    const [fields, message] = redactLogArguments([new Error('token rejected: Bearer at-10')]);

    expect(fields).toMatchObject({ err: { type: 'Error', message: 'token rejected: Bearer [REDACTED]' } });
    expect(message).toBe('token rejected: Bearer [REDACTED]');
  });
});
