import type { IncomingHttpHeaders } from 'node:http';
import {
  type ExecutionContext,
  ForbiddenException,
  type HttpException,
  Logger,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { allowedHostPolicy, refusalOf, SandboxRequestGuard } from './sandbox-request.guard.js';

const loopbackOnly = allowedHostPolicy('127.0.0.1');
const JSON_TYPE = { 'content-type': 'application/json' };
const post = (headers: IncomingHttpHeaders) => ({ method: 'POST', headers });
const get = (headers: IncomingHttpHeaders) => ({ method: 'GET', headers });

describe(refusalOf.name, () => {
  it('lets a same-origin JSON POST through, by every loopback name', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'app.localhost:3000', 'LOCALHOST']) {
      const origin = `http://${host.toLowerCase()}`;
      expect(refusalOf(post({ host, origin, ...JSON_TYPE }), loopbackOnly), host).toBeUndefined();
    }
    // No Origin at all (curl, the test suite): the Host and the JSON body still count.
    expect(refusalOf(post({ host: '127.0.0.1:3000', ...JSON_TYPE }), loopbackOnly)).toBeUndefined();
    expect(
      refusalOf(post({ host: '127.0.0.1:3000', 'content-type': 'Application/JSON; charset=utf-8' }), loopbackOnly),
    ).toBeUndefined();
  });

  it('refuses a state change without a JSON body', () => {
    for (const contentType of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const headers = { host: '127.0.0.1:3000', ...(contentType ? { 'content-type': contentType } : {}) };
      expect(refusalOf(post(headers), loopbackOnly), contentType).toBe('content-type');
    }
    expect(refusalOf(get({ host: '127.0.0.1:3000' }), loopbackOnly)).toBeUndefined();
  });

  it('refuses a foreign Origin, on reads too (they carry transcript text)', () => {
    for (const origin of [
      'https://evil.example',
      'http://127.0.0.1:3001',
      'http://localhost:3000', // same machine, other name: still another origin
      'null',
      'file://',
      'http://127.0.0.1:3000/path',
    ]) {
      expect(refusalOf(post({ host: '127.0.0.1:3000', origin, ...JSON_TYPE }), loopbackOnly), origin).toBe('origin');
      expect(refusalOf(get({ host: '127.0.0.1:3000', origin }), loopbackOnly), origin).toBe('origin');
    }
    // The Origin is checked before the body: a foreign text/plain POST counts as cross-origin.
    const crossSite = post({ host: '127.0.0.1:3000', origin: 'https://evil.example', 'content-type': 'text/plain' });
    expect(refusalOf(crossSite, loopbackOnly)).toBe('origin');
  });

  it('refuses a Host that is not a loopback name (DNS rebinding), whatever the Origin says', () => {
    for (const host of [
      'attacker.example:3000',
      'localhost.attacker.example',
      '127.0.0.1.nip.io:3000',
      '192.0.2.2:3000',
      'evil@localhost:3000',
      '',
    ]) {
      const headers = { host, origin: `http://${host}`, ...JSON_TYPE };
      expect(refusalOf(post(headers), loopbackOnly), host).toBe('host');
      expect(refusalOf(get({ host }), loopbackOnly), host).toBe('host');
    }
    expect(refusalOf(get({}), loopbackOnly)).toBe('host');
  });
});

describe(allowedHostPolicy.name, () => {
  it('adds the configured HOST when it names one interface', () => {
    expect(allowedHostPolicy('192.0.2.2')('192.0.2.2')).toBe(true);
    expect(allowedHostPolicy('Assist.Internal')('assist.internal')).toBe(true);
    expect(allowedHostPolicy('fd00::2')('[fd00::2]')).toBe(true);
    expect(allowedHostPolicy('192.0.2.2')('192.0.2.3')).toBe(false);
  });

  it('adds nothing for the wildcard addresses', () => {
    for (const wildcard of ['0.0.0.0', '::']) {
      const policy = allowedHostPolicy(wildcard);
      expect(policy('0.0.0.0')).toBe(false);
      expect(policy('[::]')).toBe(false);
      expect(policy('192.0.2.2')).toBe(false);
      expect(policy('localhost')).toBe(true);
    }
  });
});

describe(SandboxRequestGuard.name, () => {
  const config = { get: () => ({ host: '127.0.0.1' }) } as unknown as ConfigService<AppConfig, true>;
  const contextOf = (request: object) =>
    ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;

  afterEach(() => vi.restoreAllMocks());

  function refusal(sut: SandboxRequestGuard, request: object): HttpException {
    try {
      sut.canActivate(contextOf(request));
    } catch (error) {
      return error as HttpException;
    }
    throw new Error('expected the request to be refused');
  }

  it('answers 403 or 415, counts each refusal by reason and logs it at warn without the body', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const counters = new Counters();
    const sut = new SandboxRequestGuard(counters, config);
    const path = '/sandbox/api/faults/expire-tokens';
    const body = { secret: 'do-not-log-me' };

    const textPlain = { method: 'POST', path, body, headers: { host: 'localhost:3000', 'content-type': 'text/plain' } };
    expect(refusal(sut, textPlain)).toBeInstanceOf(UnsupportedMediaTypeException);
    const foreign = { method: 'POST', path, body, headers: { host: 'localhost:3000', origin: 'https://evil.example' } };
    expect(refusal(sut, foreign)).toBeInstanceOf(ForbiddenException);
    const rebound = { method: 'GET', path: '/sandbox/api/state', headers: { host: 'attacker.example:3000' } };
    expect(refusal(sut, rebound).getStatus()).toBe(403);

    expect(counters.snapshot('sandbox_requests_refused')).toEqual({
      'sandbox_requests_refused{reason="content-type"}': 1,
      'sandbox_requests_refused{reason="host"}': 1,
      'sandbox_requests_refused{reason="origin"}': 1,
    });
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls[1][0]).toMatchObject({
      msg: `Sandbox request refused (origin): POST ${path}`,
      reason: 'origin',
      origin: 'https://evil.example',
    });
    expect(JSON.stringify(warn.mock.calls)).not.toContain('do-not-log-me');
  });

  it('lets an allowed request through without counting', () => {
    const counters = new Counters();
    const sut = new SandboxRequestGuard(counters, config);
    const request = { method: 'POST', headers: { host: '127.0.0.1:3000', ...JSON_TYPE } };
    expect(sut.canActivate(contextOf(request))).toBe(true);
    expect(counters.snapshot('sandbox_requests_refused')).toEqual({});
  });
});
