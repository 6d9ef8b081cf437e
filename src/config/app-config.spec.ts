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
      expect.arrayContaining(['PORT', 'CXONE_CLIENT_ID_FILE', 'IGNORE_ENV_FILE', 'ALLOW_INSECURE_CXONE_URLS']),
    );
  });
});
