import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { AxiosError, AxiosHeaders, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import { type Observable, of, throwError } from 'rxjs';
import { vi } from 'vitest';
import type { AppConfig } from '../../config/app-config.js';

/** A CXone issuer behind a mocked HttpService, for the access-key specs (a *-spec-kit file: kept out of dist). */

export const ISSUER = 'https://cxone.example.com';
export const TOKEN_ENDPOINT = `${ISSUER}/auth/token`;
export const JWKS_URI = `${ISSUER}/auth/jwks`;
export const API_ENDPOINT = 'https://api-na1.example.com';
export const TENANT_ID = '11eb0d7e-5c2f-4a1b-9c3d-1234567890ab';
/** Characters form-encoding would change: the Basic header must carry them raw. */
export const CLIENT_ID = 'agent-assist@tenant';
export const CLIENT_SECRET = 'cl1ent%s3cret+/=&é';
export const ACCESS_KEY_ID = 'AKIA-EXAMPLE-7';
export const ACCESS_KEY_SECRET = 'acc3ss&key=s3cret%20';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export function signingKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  form: URLSearchParams;
  maxContentLength?: number;
}

/** RSA key generation takes a while: one key serves every test that does not rotate. */
const DEFAULT_KEY = signingKey('key-1');

type Answer = { status: number; data: unknown } | Error;

export function accessKeyConfig(overrides: Partial<AppConfig['cxone']> = {}): ConfigService<AppConfig, true> {
  const cxone: AppConfig['cxone'] = {
    auth: 'access-key',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tokenUrl: 'https://unused.example.com/oauth/token',
    tokenAuth: 'body',
    issuer: ISSUER,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: ACCESS_KEY_SECRET,
    apiBaseUrl: undefined,
    streamUrl: 'wss://stream.example.com',
    ...overrides,
  };
  return { get: () => cxone } as unknown as ConfigService<AppConfig, true>;
}

/**
 * Answers like a CXone issuer: discovery, JWKS, the password and refresh grants (refresh tokens are
 * single use), signed id_tokens and cxone-configuration. Each answer can be replaced by a test.
 */
export class FakeIssuer {
  readonly requests: Recorded[] = [];
  keys = [DEFAULT_KEY];
  /** The key id_tokens are signed with; need not be published. */
  signer = this.keys[0];
  discovery: unknown = {
    issuer: ISSUER,
    token_endpoint: TOKEN_ENDPOINT,
    jwks_uri: JWKS_URI,
    token_endpoint_auth_methods_supported: ['client_secret_basic'],
  };
  idTokenClaims: (claims: Record<string, unknown>) => Record<string, unknown> = (claims) => claims;
  idTokenHeader: Record<string, unknown> = {};
  tamperSignature = false;
  tokenLifetimeSeconds = 3600;
  /** Replaces the next answer of an endpoint (by path), once. */
  readonly overrides = new Map<string, Answer[]>();
  readonly refreshTokens = new Set<string>();
  readonly issued: string[] = [];
  private counter = 0;

  readonly http = { request: vi.fn((config: AxiosRequestConfig) => this.answer(config)) } as unknown as HttpService & {
    request: ReturnType<typeof vi.fn>;
  };

  /** Queues answers for `path`, used in order before the normal one. */
  answerNext(path: string, ...answers: Answer[]): void {
    this.overrides.set(path, [...(this.overrides.get(path) ?? []), ...answers]);
  }

  requestsTo(path: string): Recorded[] {
    return this.requests.filter((request) => new URL(request.url).pathname === path);
  }

  grants(): string[] {
    return this.requestsTo('/auth/token').map((request) => request.form.get('grant_type') ?? '');
  }

  idToken(): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = this.idTokenClaims({
      iss: ISSUER,
      aud: CLIENT_ID,
      sub: ACCESS_KEY_ID,
      iat: now,
      exp: now + this.tokenLifetimeSeconds,
      tenantId: TENANT_ID,
    });
    const header = { alg: 'RS256', typ: 'JWT', kid: this.signer.kid, ...this.idTokenHeader };
    const input = `${base64url(header)}.${base64url(claims)}`;
    const signature = sign('sha256', Buffer.from(input), this.signer.privateKey);
    if (this.tamperSignature) signature[10] ^= 0xff;
    return `${input}.${signature.toString('base64url')}`;
  }

  private answer(config: AxiosRequestConfig): Observable<unknown> {
    const url = new URL(config.url ?? '');
    const headers = { ...(config.headers as Record<string, string>) };
    const form = new URLSearchParams(typeof config.data === 'string' ? config.data : '');
    this.requests.push({
      method: config.method ?? 'GET',
      url: url.href,
      headers,
      form,
      maxContentLength: config.maxContentLength,
    });
    const queued = this.overrides.get(url.pathname)?.shift();
    const answer = queued ?? this.normalAnswer(url, form);
    if (answer instanceof Error) return throwError(() => answer);
    return of({ ...answer, statusText: '', headers: {}, config });
  }

  private normalAnswer(url: URL, form: URLSearchParams): Answer {
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return { status: 200, data: this.discovery };
      case '/auth/jwks':
        return { status: 200, data: { keys: this.keys.map((key) => key.publicJwk) } };
      case '/.well-known/cxone-configuration':
        return url.searchParams.get('tenantId') === TENANT_ID
          ? { status: 200, data: { tenantId: TENANT_ID, api_endpoint: `${API_ENDPOINT}/`, area: 'na1' } }
          : { status: 404, data: { error: 'tenant_not_found' } };
      case '/auth/token':
        return this.grant(form);
      default:
        return { status: 404, data: 'not found' };
    }
  }

  private grant(form: URLSearchParams): Answer {
    const grantType = form.get('grant_type');
    const passwordOk = form.get('username') === ACCESS_KEY_ID && form.get('password') === ACCESS_KEY_SECRET;
    const refreshToken = form.get('refresh_token') ?? '';
    const refreshOk = this.refreshTokens.delete(refreshToken);
    if (!(grantType === 'password' && passwordOk) && !(grantType === 'refresh_token' && refreshOk)) {
      return { status: 400, data: { error: 'invalid_grant' } };
    }
    const n = ++this.counter;
    const accessToken = `access-token-${n}`;
    const newRefreshToken = `refresh-token-${n}`;
    this.refreshTokens.add(newRefreshToken);
    const idToken = this.idToken();
    this.issued.push(accessToken, newRefreshToken, idToken);
    return {
      status: 200,
      data: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: this.tokenLifetimeSeconds,
        refresh_token: newRefreshToken,
        id_token: idToken,
      },
    };
  }
}

/** Silences the service's loggers; the returned function gives every line logged so far. */
export function captureLogs(): () => string {
  const spies = (['log', 'warn', 'error', 'debug', 'verbose'] as const).map((level) =>
    vi.spyOn(Logger.prototype, level).mockImplementation(() => undefined),
  );
  return () => spies.flatMap((spy) => spy.mock.calls.map((call: unknown[]) => call.map(String).join(' '))).join('\n');
}

/** Every secret and token a log line or message must never show. */
export function secretsOf(issuer: FakeIssuer): string[] {
  const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
  return [CLIENT_SECRET, ACCESS_KEY_SECRET, basic, ...issuer.issued];
}

/** An axios failure without a response (connection refused, timeout, size cap), as axios builds it. */
export function networkError(code: string, message = `connect ${code}`): AxiosError {
  const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
  return new AxiosError(message, code, config);
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
