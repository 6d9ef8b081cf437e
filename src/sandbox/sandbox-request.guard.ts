import type { IncomingHttpHeaders } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Counters } from '../common/counters.js';
import { type AppConfig, isLoopbackHost } from '../config/app-config.js';
import { HOST_HEADER, singleHeader } from '../common/request-headers.js';

export type RefusalReason = 'host' | 'origin' | 'content-type';

export interface RequestFacts {
  method: string;
  headers: IncomingHttpHeaders;
}

/** Addresses meaning "every interface": no browser reaches the service by that name. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '[::]']);
const READ_METHODS = new Set(['GET', 'HEAD']);
const MAX_LOGGED_HEADER_CHARS = 200;

/** `::1` → `[::1]`, `LOCALHOST.` → `localhost`, `127.1` → `127.0.0.1`: the form a Host header's name takes. */
function canonicalHostname(name: string): string | undefined {
  const bracketed = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  try {
    return new URL(`http://${bracketed}`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Which Host header names the sandbox answers: loopback names, plus HOST when it names one interface.
 * A DNS-rebinding page (evil.example re-resolved to 127.0.0.1) is same-origin for the browser, but its
 * requests still carry `Host: evil.example`.
 */
export function allowedHostPolicy(configuredHost: string): (hostname: string) => boolean {
  const configured = canonicalHostname(configuredHost);
  const extra = configured && !WILDCARD_HOSTS.has(configured) ? configured : undefined;
  return (hostname) => isLoopbackHost(hostname) || hostname === extra;
}

/**
 * Why a sandbox request is refused, or undefined to let it through. Checked in this order: the Host
 * (DNS rebinding), the Origin (a foreign page's fetch or form), then, for state changes, a JSON body:
 * a `text/plain` or form POST is a "simple" request a foreign page can send without a CORS preflight.
 */
export function refusalOf(
  request: RequestFacts,
  isAllowedHost: (hostname: string) => boolean,
): RefusalReason | undefined {
  const hostHeader = singleHeader(request.headers.host);
  const match = hostHeader === undefined ? null : HOST_HEADER.exec(hostHeader);
  const hostname = match ? canonicalHostname(match[1]) : undefined;
  if (!hostHeader || !hostname || !isAllowedHost(hostname)) return 'host';

  const origin = singleHeader(request.headers.origin);
  if (origin !== undefined && !isSameOrigin(origin, hostHeader)) return 'origin';

  if (!READ_METHODS.has(request.method.toUpperCase()) && !isJson(singleHeader(request.headers['content-type']))) {
    return 'content-type';
  }
  return undefined;
}

function isSameOrigin(origin: string, hostHeader: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // includes `Origin: null` (sandboxed frames, file: pages)
  }
  // A real Origin is exactly `scheme://host[:port]`; anything else is not one we trust.
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin) return false;
  try {
    // Same normalisation for both (default ports dropped, names lower-cased).
    return new URL(`${parsed.protocol}//${hostHeader}`).host === parsed.host;
  } catch {
    return false;
  }
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}

function forLog(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.slice(0, MAX_LOGGED_HEADER_CHARS) : undefined;
}

interface GuardedRequest extends RequestFacts {
  path?: string;
  url?: string;
}

/**
 * The sandbox's pages and controls are for a developer's own browser: a request from another site, or
 * for another host name, is refused (403), and a state change without a JSON body too (415). Each
 * refusal is logged (never the body) and counted in `sandbox_requests_refused{reason}`.
 */
@Injectable()
export class SandboxRequestGuard implements CanActivate {
  private readonly logger = new Logger('Sandbox');
  private readonly isAllowedHost: (hostname: string) => boolean;

  constructor(
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.isAllowedHost = allowedHostPolicy(config.get('app', { infer: true }).host);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const reason = refusalOf(request, this.isAllowedHost);
    if (!reason) return true;
    this.counters.count('sandbox_requests_refused', { reason });
    const path = (request.path ?? request.url ?? '').split('?')[0].slice(0, MAX_LOGGED_HEADER_CHARS);
    this.logger.warn({
      msg: `Sandbox request refused (${reason}): ${request.method} ${path}`,
      reason,
      host: forLog(request.headers.host),
      origin: forLog(request.headers.origin),
      contentType: forLog(request.headers['content-type']),
    });
    if (reason === 'content-type') {
      throw new UnsupportedMediaTypeException('sandbox controls take a JSON body (Content-Type: application/json)');
    }
    throw new ForbiddenException(
      reason === 'host'
        ? 'the sandbox answers only loopback host names (or the configured HOST)'
        : 'cross-origin requests to the sandbox are refused',
    );
  }
}
