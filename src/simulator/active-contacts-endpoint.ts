import type { ActiveContacts } from './active-contacts.js';
import type { Answer } from './http-exchange.js';
import { bearerRefusal, type EndpointRequest } from './rest-endpoints.js';
import type { TokenRegistry } from './token-registry.js';

/** Real-Time Data API, any version (`v30.0`, `v31.0`, …), under the tenant's api_endpoint. */
export const ACTIVE_CONTACTS_PATH_PATTERN = /^\/inContactAPI\/services\/v\d+(?:\.\d+)?\/contacts\/active$/;
/** The path as the current API version spells it. */
export const ACTIVE_CONTACTS_PATH = '/inContactAPI/services/v30.0/contacts/active';

/** A date-time with an optional fraction and zone (UTC when none), e.g. `2026-11-30T22:12:53.736Z`. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

export interface ActiveContactsDeps {
  tokens: TokenRegistry;
  contacts: ActiveContacts;
}

/**
 * `GET …/contacts/active[?updatedSince=…]`: the contacts updated since then (all without it) and the poll time
 * to ask with next; 304 when none changed, as the real API answers a poll that has nothing new.
 */
export function answerActiveContacts(request: EndpointRequest, deps: ActiveContactsDeps): Answer {
  if (request.method !== 'GET') {
    return { status: 405, body: { error: 'method_not_allowed' }, headers: { allow: 'GET' } };
  }
  const refusal = bearerRefusal(request.headers, deps.tokens);
  if (refusal) return refusal;
  const since = request.query.updatedSince;
  const sinceMs = since === undefined ? undefined : parseDateTime(since);
  if (Number.isNaN(sinceMs)) {
    return { status: 400, body: { error: 'invalid_request', message: 'updatedSince must be an ISO 8601 date-time' } };
  }
  const { polledAt, contacts } = deps.contacts.poll(sinceMs);
  if (sinceMs !== undefined && contacts.length === 0) return { status: 304 };
  return { status: 200, body: { lastPollTime: new Date(polledAt).toISOString(), activeContacts: contacts } };
}

/** Epoch ms, or NaN when the text is not an ISO 8601 date-time. */
function parseDateTime(text: string): number {
  if (!ISO_DATE_TIME.test(text)) return Number.NaN;
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  return Date.parse(zoned);
}
