/**
 * Pure helpers the panel script inlines through `Function.prototype.toString()` (so each one is
 * self-contained: no imports, no module-level helpers; tsc only strips the types).
 */

/** A contact event read from the agent desktop (MAX / CXone Agent), see panel-script.ts for the protocol. */
export interface ParentContactEvent {
  contactId: string;
  status: string;
  /** FinalState: false while the agent is still in wrap-up (ACW) after a Disconnected, null when not given. */
  final: boolean | null;
}

export interface ParentMessage {
  contacts: ParentContactEvent[];
  acknowledged: { status: string; reason: string } | null;
}

/**
 * Whether `origin` (as a browser serialises `MessageEvent.origin`) is one of `patterns`: origins such as
 * `https://max.example.com` or `https://*.niceincontact.com` (the wildcard stands for one or more labels,
 * never for the bare domain). Compared part by part; no pattern is ever turned into a regular expression.
 */
export function originMatches(origin: unknown, patterns: readonly unknown[]): boolean {
  function split(value: string): { scheme: string; host: string; port: string } | null {
    const at = value.indexOf('://');
    const scheme = value.slice(0, at).toLowerCase();
    const rest = value.slice(at + 3).toLowerCase();
    if (at <= 0 || rest === '' || /[/?#@\s\\]/.test(rest)) return null;
    const colon = rest.lastIndexOf(':');
    const hasPort = colon > rest.lastIndexOf(']');
    let port = hasPort ? rest.slice(colon + 1) : '';
    if ((scheme === 'https' && port === '443') || (scheme === 'http' && port === '80')) port = '';
    return { scheme, host: hasPort ? rest.slice(0, colon) : rest, port };
  }
  if (typeof origin !== 'string' || origin.length > 255 || !Array.isArray(patterns)) return false;
  const actual = split(origin);
  if (!actual || actual.host === '' || actual.host.includes('*')) return false;
  for (const pattern of patterns.slice(0, 100)) {
    if (typeof pattern !== 'string' || pattern.length > 255) continue;
    const expected = split(pattern.endsWith('/') ? pattern.slice(0, -1) : pattern);
    if (!expected || expected.scheme !== actual.scheme || expected.port !== actual.port) continue;
    if (expected.host.startsWith('*.')) {
      const suffix = expected.host.slice(1);
      if (suffix.length > 1 && !suffix.includes('*') && actual.host.endsWith(suffix)) return true;
    } else if (expected.host === actual.host) {
      return true;
    }
  }
  return false;
}

/**
 * The contact events and subscription acknowledgement in one message from the parent window: an object or
 * its JSON text, either an envelope `{ issuer, contactId, events: [...] }` or a single event. Anything else,
 * or anything oversized, reads as nothing.
 */
export function readParentMessage(data: unknown): ParentMessage {
  const result: ParentMessage = { contacts: [], acknowledged: null };
  const text = (value: unknown, max: number): string | null => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null;
  };
  let message = data;
  if (typeof message === 'string') {
    if (message.length > 65536) return result;
    try {
      message = JSON.parse(message);
    } catch {
      return result;
    }
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) return result;
  const envelope = message as Record<string, unknown>;
  const events = Array.isArray(envelope.events) ? envelope.events.slice(0, 50) : [envelope];
  for (const item of events) {
    if (!item || typeof item !== 'object') continue;
    const event = item as Record<string, unknown>;
    if (event.messageType === 'ClientEventSubscriptionAcknowledge') {
      result.acknowledged = { status: text(event.status, 20) ?? 'OK', reason: text(event.reason, 200) ?? '' };
      continue;
    }
    if ((event.Type ?? event.type) !== 'CallContactEvent') continue;
    const contactId = text(event.ContactID ?? event.ContactId ?? event.contactId, 64);
    const status = event.Status ?? event.status;
    if (!contactId || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(contactId)) continue;
    if (typeof status !== 'string' || status.length === 0 || status.length > 40) continue;
    const final = String(event.FinalState ?? event.finalState).toLowerCase();
    result.contacts.push({ contactId, status, final: final === 'true' ? true : final === 'false' ? false : null });
  }
  return result;
}
