import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../config/app-config.js';
import type { PanelConfig } from '../config/panel-config.js';
import { SESSION_COOKIE } from './agent-sessions.js';
import { HOST_HEADER, singleHeader } from '../common/request-headers.js';

const MAX_COOKIE_HEADER_CHARS = 8192;

/**
 * The panel's own origin: PANEL_PUBLIC_URL, or in the sandbox (where it may be unset) the loopback
 * address the browser used. Undefined when neither applies: such a request is refused.
 */
export function panelOrigin(request: IncomingMessage, panel: PanelConfig): string | undefined {
  if (panel.publicUrl) return panel.publicUrl;
  const host = singleHeader(request.headers.host);
  const match = host === undefined ? null : HOST_HEADER.exec(host);
  if (!match) return undefined;
  const name = match[1].replace(/^\[|\]$/g, '');
  return isLoopbackHost(name) || name === '::1' ? `http://${host}` : undefined;
}

/**
 * A state change (verdict, sign-out) from another site is refused: the session cookie is SameSite=None
 * (the panel lives in the CXone desktop's iframe), so the Origin header is what tells our page's
 * requests apart. A request without Origin is not a browser's cross-site one.
 */
export function isForeignOrigin(request: IncomingMessage, ownOrigin: string): boolean {
  const origin = singleHeader(request.headers.origin);
  if (origin === undefined) return false;
  try {
    return new URL(origin).origin !== new URL(ownOrigin).origin || new URL(origin).origin !== origin;
  } catch {
    return true;
  }
}

export function sessionIdOf(request: IncomingMessage): string | undefined {
  const header = singleHeader(request.headers.cookie);
  if (!header || header.length > MAX_COOKIE_HEADER_CHARS) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/**
 * HttpOnly always. Over https: Secure and SameSite=None, so the cookie goes with the panel's requests
 * inside the CXone desktop's iframe. Over plain http (a loopback sandbox) a browser would drop a
 * SameSite=None cookie without Secure, so it is Lax there (the sandbox frames the panel same-origin).
 */
export function sessionCookie(id: string, origin: string, maxAgeMs: number): string {
  const secure = origin.startsWith('https:');
  const attributes = [
    `${SESSION_COOKIE}=${id}`,
    'Path=/agent',
    'HttpOnly',
    ...(secure ? ['Secure', 'SameSite=None'] : ['SameSite=Lax']),
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
  ];
  return attributes.join('; ');
}

export function clearedSessionCookie(origin: string): string {
  return sessionCookie('', origin, 0);
}

/** Where the sign-in returns: a path of the panel only, never another site (no open redirect). */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/agent';
  return /^\/agent(?:[/?#]|$)/.test(value) && !value.includes('\\') ? value : '/agent';
}

export function lastEventIdOf(request: IncomingMessage, query: unknown): string | undefined {
  const header = singleHeader(request.headers['last-event-id']);
  const value = header ?? (typeof query === 'string' ? query : undefined);
  return value && /^[a-z0-9]{1,16}-\d{1,16}$/.test(value) ? value : undefined;
}
