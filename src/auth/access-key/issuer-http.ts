import type { HttpService } from '@nestjs/axios';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { isLoopbackHost } from '../../config/app-config.js';
import { type AuthErrorCode, AuthException } from '../auth.exception.js';

export interface IssuerRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Replies larger than this are dropped unread (counted after decompression). */
  maxBytes: number;
  /** How messages name the other side, e.g. `discovery document of cxone.example.com`: never a secret. */
  what: string;
  /** The code of a failure a retry may mend: network, timeout, 429, 5xx. */
  unavailable: AuthErrorCode;
  /** The code of a reply too large to be what was asked for. */
  invalid: AuthErrorCode;
}

export interface IssuerReply {
  status: number;
  data: unknown;
}

const MAX_REQUEST_BYTES = 16 * 1024;
const MAX_URL_CHARS = 2048;

/**
 * One bounded exchange with the issuer's side. Any status below 500 but 429 comes back for the caller to
 * judge (an OAuth error body says why a grant was refused). The axios error is never passed on: its
 * config holds the Authorization header and the form with the access key secret.
 */
export async function exchangeWithIssuer(http: HttpService, request: IssuerRequest): Promise<IssuerReply> {
  const { what, maxBytes } = request;
  try {
    const reply = await firstValueFrom(
      http.request<unknown>({
        method: request.method,
        url: request.url,
        headers: { Accept: 'application/json', ...request.headers },
        data: request.body,
        maxContentLength: maxBytes,
        maxBodyLength: MAX_REQUEST_BYTES,
        validateStatus: () => true,
      }),
    );
    if (reply.status === 429 || reply.status >= 500) {
      throw new AuthException(request.unavailable, `${what} unavailable (HTTP ${reply.status})`, reply.status);
    }
    return { status: reply.status, data: reply.data };
  } catch (error) {
    if (error instanceof AuthException) throw error;
    if (isAxiosError(error) && !error.response && error.message.includes('maxContentLength')) {
      throw new AuthException(request.invalid, `${what}: reply larger than ${maxBytes} bytes, not read`);
    }
    const cause = isAxiosError(error) && error.code ? error.code : 'network error';
    throw new AuthException(request.unavailable, `${what} unavailable (${cause})`);
  }
}

/** A URL's host for messages: never a path, query or credentials. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown-host';
  }
}

/**
 * `value` as a URL the service may send a secret or token to: absolute https, or plain http to a loopback
 * host (a sidecar, the simulator) or to the configured issuer's own host when the operator configured it
 * with http (the start-up checks allowed that: development, or ALLOW_INSECURE_CXONE_URLS). A document
 * never downgrades what was configured. No credentials in it. Undefined otherwise.
 */
export function trustedUrl(value: unknown, configuredIssuer: string): URL | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL_CHARS) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const secure =
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && (isLoopbackHost(url.hostname) || isPlainHttpIssuerHost(url, configuredIssuer)));
  return secure && !url.username && !url.password ? url : undefined;
}

function isPlainHttpIssuerHost(url: URL, configuredIssuer: string): boolean {
  try {
    const issuer = new URL(configuredIssuer);
    return issuer.protocol === 'http:' && issuer.host === url.host;
  } catch {
    return false;
  }
}

/** An object's own fields, or undefined for anything else (a string from an unparsable reply, an array). */
export function objectOf(data: unknown): Record<string, unknown> | undefined {
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : undefined;
}
