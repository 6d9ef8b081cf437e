import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, validateEnvironment } from './app-config.js';
import { ConfigException } from './config.exception.js';
import { ACCEPTED_VARIABLES } from './environment.variables.js';

function failure(env: Record<string, string>): ConfigException {
  try {
    validateEnvironment(env);
  } catch (error) {
    return error as ConfigException;
  }
  throw new Error('expected the configuration to be refused');
}

describe(validateEnvironment.name, () => {
  it('applies the contract defaults and picks sandbox mode without credentials', () => {
    const config = validateEnvironment({});
    expect(config.app).toMatchObject({ mode: 'sandbox', port: 3000, logLevel: 'info' });
    expect(config.buffer).toMatchObject({ silenceMs: 3000, maxMs: 10_000 });
    expect(config.knowledge).toMatchObject({ language: 'en-US', pageSize: 5, minScore: 0 });
    expect(config.cxone).toMatchObject({
      tokenUrl: 'https://api.niceincontact.com/oauth/token',
      tokenAuth: 'body',
      apiBaseUrl: 'https://api.niceincontact.com',
      streamUrl: 'wss://api.niceincontact.com/cxoneapi/v2/agentassist/stream',
    });
    expect(config.feedback.storePath).toBe('./data');
  });

  it('connects to the tenant when credentials are set, converting numbers', () => {
    const config = validateEnvironment({
      CXONE_CLIENT_ID: 'id',
      CXONE_CLIENT_SECRET: 'secret',
      BUFFER_SILENCE_MS: '1500',
      KB_MIN_SCORE: '0.4',
      CXONE_API_BASE_URL: 'http://127.0.0.1:4000/',
    });
    expect(config.app.mode).toBe('tenant');
    expect(config.buffer.silenceMs).toBe(1500);
    expect(config.knowledge.minScore).toBe(0.4);
    expect(config.cxone.apiBaseUrl).toBe('http://127.0.0.1:4000');
  });

  it('names every bad variable in one message, and no value', () => {
    const error = failure({
      PORT: 'eighty',
      BUFFER_SILENCE_MS: '-5',
      CXONE_STREAM_URL: 'https://not-a-socket.example.com',
      CXONE_TOKEN_AUTH: 'header',
      LOG_LEVEL: 'loud',
      CXONE_CLIENT_ID: 'id',
      CXONE_CLIENT_SECRET: 'hunter2-secret',
    });
    expect(error).toBeInstanceOf(ConfigException);
    expect(error.variables).toEqual(
      expect.arrayContaining(['PORT', 'BUFFER_SILENCE_MS', 'CXONE_STREAM_URL', 'CXONE_TOKEN_AUTH', 'LOG_LEVEL']),
    );
    for (const name of error.variables) expect(error.message).toContain(name);
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.message).not.toContain('eighty');
  });

  it('refuses sandbox mode in production', () => {
    const error = failure({ NODE_ENV: 'production' });
    expect(error.variables).toEqual(['CXONE_CLIENT_ID', 'CXONE_CLIENT_SECRET']);
  });

  it('refuses half a credential pair', () => {
    expect(failure({ CXONE_CLIENT_ID: 'id' }).variables).toEqual(['CXONE_CLIENT_SECRET']);
  });

  it('refuses a max duration shorter than the silence', () => {
    expect(failure({ BUFFER_SILENCE_MS: '5000', BUFFER_MAX_MS: '1000' }).variables).toEqual(['BUFFER_MAX_MS']);
  });

  describe('messages a user reads', () => {
    /** The message's lines about each variable (`  - NAME: …`). */
    const linesAbout = (error: ConfigException, name: string) =>
      error.message.split('\n').filter((line) => line.startsWith(`  - ${name}:`));

    it.each([
      ['BUFFER_SILENCE_MS', 'abc', 'expected a whole number of milliseconds from 50 to 600000'],
      ['BUFFER_SILENCE_MS', '10', 'expected a whole number of milliseconds from 50 to 600000'],
      ['PORT', '70000', 'expected a whole number from 0 to 65535'],
      ['PORT', 'eighty', 'expected a whole number from 0 to 65535'],
      ['HTTP_MAX_ATTEMPTS', '2.5', 'expected a whole number of attempts from 1 to 20'],
      ['STREAM_MAX_FRAME_BYTES', '1e99', 'expected a whole number of bytes from 1024 to 16777216'],
      ['KB_MIN_SCORE', 'high', 'expected a number of at least 0'],
      ['KB_MIN_SCORE', '-0.5', 'expected a number of at least 0'],
      ['LOG_LEVEL', 'loud', 'expected one of fatal, error, warn, info, debug, trace'],
      ['NODE_ENV', 'prod', 'expected one of development, production, test'],
      ['CXONE_TOKEN_AUTH', 'header', 'expected body or basic'],
      ['PII_REDACTION', 'yes', 'expected true or false'],
      ['KB_QUERY_SPEAKERS', 'customer', 'expected CUSTOMER, AGENT or both, comma-separated'],
      ['CXONE_STREAM_URL', 'https://x.example.com', 'expected an absolute ws or wss URL without credentials'],
      ['HOST', 'not a host', 'expected an IP address or a host name, e.g. 127.0.0.1, 0.0.0.0, :: or localhost'],
    ])('%s=%s: one line naming the variable and what is expected, not the value', (name, value, expected) => {
      const error = failure({ [name]: value });
      expect(error.variables).toEqual([name]);
      // The whole message is these two lines, so it cannot carry the value either.
      expect(error.message.split('\n')).toEqual([`Invalid configuration (${name}):`, `  - ${name}: ${expected}`]);
    });

    it('adds no derived line about a variable when one it depends on is already invalid', () => {
      expect(failure({ BUFFER_SILENCE_MS: 'abc', BUFFER_MAX_MS: '1000' }).variables).toEqual(['BUFFER_SILENCE_MS']);
      expect(failure({ BUFFER_SILENCE_MS: '700000', BUFFER_MAX_MS: '1000' }).variables).toEqual(['BUFFER_SILENCE_MS']);
      const tooShort = failure({ BUFFER_MAX_MS: '50' });
      expect(linesAbout(tooShort, 'BUFFER_MAX_MS')).toEqual([
        '  - BUFFER_MAX_MS: expected a whole number of milliseconds from 100 to 600000',
      ]);
      const insecureAndWrong = failure({
        NODE_ENV: 'production',
        CXONE_CLIENT_ID: 'id',
        CXONE_CLIENT_SECRET: 'secret',
        CXONE_TOKEN_URL: 'ws://cxone.example.com/token',
      });
      expect(linesAbout(insecureAndWrong, 'CXONE_TOKEN_URL')).toEqual([
        '  - CXONE_TOKEN_URL: expected an absolute http or https URL without credentials',
      ]);
    });

    it('says one line per variable when several are bad at once', () => {
      const error = failure({ PORT: 'x', BUFFER_SILENCE_MS: 'abc', BUFFER_MAX_MS: 'abc', LOG_LEVEL: 'loud' });
      expect(error.variables).toEqual(['PORT', 'LOG_LEVEL', 'BUFFER_SILENCE_MS', 'BUFFER_MAX_MS']);
      expect(error.message.split('\n')).toHaveLength(5);
      for (const name of error.variables) expect(linesAbout(error, name)).toHaveLength(1);
    });
  });

  describe('HOST', () => {
    it('defaults to loopback in sandbox mode and to every interface with a tenant', () => {
      expect(validateEnvironment({}).app.host).toBe('127.0.0.1');
      expect(validateEnvironment({ CXONE_CLIENT_ID: 'id', CXONE_CLIENT_SECRET: 's' }).app.host).toBe('0.0.0.0');
      expect(validateEnvironment({ HOST: '0.0.0.0' }).app.host).toBe('0.0.0.0');
      expect(validateEnvironment({ HOST: 'localhost', CXONE_CLIENT_ID: 'id', CXONE_CLIENT_SECRET: 's' }).app.host).toBe(
        'localhost',
      );
    });

    it('takes an IP address or a host name', () => {
      for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', 'fd00::2', 'localhost', 'assist-1.internal']) {
        expect(validateEnvironment({ HOST: host }).app.host, host).toBe(host);
      }
      for (const host of ['999.1.1.1', '[::1]', 'http://localhost', 'a_b', '-x', 'localhost:3000']) {
        expect(failure({ HOST: host }).variables, host).toEqual(['HOST']);
      }
    });
  });

  it('reads secrets from *_FILE and reports unreadable files by name only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    writeFileSync(join(dir, 'id'), 'file-id\n');
    writeFileSync(join(dir, 'secret'), 'file-secret\n');
    const config = validateEnvironment({
      CXONE_CLIENT_ID_FILE: join(dir, 'id'),
      CXONE_CLIENT_SECRET_FILE: join(dir, 'secret'),
    });
    expect(config.cxone).toMatchObject({ clientId: 'file-id', clientSecret: 'file-secret' });

    const error = failure({ CXONE_CLIENT_ID: 'id', CXONE_CLIENT_SECRET_FILE: join(dir, 'missing') });
    expect(error.variables).toEqual(['CXONE_CLIENT_SECRET_FILE']);
  });

  it('treats empty values as unset', () => {
    expect(validateEnvironment({ PORT: '', CXONE_CLIENT_ID: '', CXONE_CLIENT_SECRET: '' }).app).toMatchObject({
      port: 3000,
      mode: 'sandbox',
    });
  });

  describe('plain http/ws URLs in production', () => {
    const production = {
      NODE_ENV: 'production',
      CXONE_CLIENT_ID: 'id',
      CXONE_CLIENT_SECRET: 'secret',
    };

    it('refuses each insecure URL to a remote host, naming it once', () => {
      const error = failure({
        ...production,
        CXONE_TOKEN_URL: 'http://cxone.example.com/oauth/token',
        CXONE_API_BASE_URL: 'http://cxone.example.com',
        CXONE_STREAM_URL: 'ws://cxone.example.com/stream',
      });
      expect(error.variables).toEqual(['CXONE_TOKEN_URL', 'CXONE_API_BASE_URL', 'CXONE_STREAM_URL']);
      expect(error.message.match(/Invalid configuration/g)).toHaveLength(1);
      expect(error.message).toContain('ALLOW_INSECURE_CXONE_URLS');
    });

    it('accepts https/wss, loopback, and the explicit opt-in', () => {
      expect(validateEnvironment(production).app.mode).toBe('tenant');
      const loopback = {
        ...production,
        CXONE_TOKEN_URL: 'http://127.0.0.1:4000/oauth/token',
        CXONE_API_BASE_URL: 'http://localhost:4000',
        CXONE_STREAM_URL: 'ws://[::1]:4000/stream',
      };
      expect(validateEnvironment(loopback).cxone.apiBaseUrl).toBe('http://localhost:4000');
      const optIn = { ...production, CXONE_API_BASE_URL: 'http://cxone-sim:4000', ALLOW_INSECURE_CXONE_URLS: 'true' };
      expect(validateEnvironment(optIn).cxone.apiBaseUrl).toBe('http://cxone-sim:4000');
    });

    it('leaves development alone and validates the opt-in itself', () => {
      expect(validateEnvironment({ CXONE_API_BASE_URL: 'http://cxone-sim:4000' }).app.env).toBe('development');
      expect(failure({ ALLOW_INSECURE_CXONE_URLS: 'yes' }).variables).toEqual(['ALLOW_INSECURE_CXONE_URLS']);
    });

    it('knows loopback hosts', () => {
      for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'sim.localhost']) {
        expect(isLoopbackHost(host), host).toBe(true);
      }
      for (const host of ['example.com', '10.0.0.1', '127.0.0.1.nip.io', 'localhost.example.com']) {
        expect(isLoopbackHost(host), host).toBe(false);
      }
    });
  });

  it('lists every accepted variable, including *_FILE and IGNORE_ENV_FILE', () => {
    expect(ACCEPTED_VARIABLES).toEqual(
      expect.arrayContaining(['PORT', 'HOST', 'CXONE_CLIENT_ID_FILE', 'IGNORE_ENV_FILE', 'ALLOW_INSECURE_CXONE_URLS']),
    );
  });
});
