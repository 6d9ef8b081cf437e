import type { IncomingHttpHeaders } from 'node:http';
import { parseJson } from './http-exchange.js';
import type { SimEndpoint } from './simulator-types.js';

/** What the records show instead of a credential the client sent. */
export const MASKED = '[masked]';

const FORM_ENDPOINTS: ReadonlySet<SimEndpoint> = new Set(['token', 'auth-token', 'authorize']);
const SECRET_FORM_FIELDS = new Set(['client_secret', 'password', 'refresh_token', 'code', 'code_verifier']);

export interface RecordedParts {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Headers and body as the records keep them. Records end up in test output and in the standalone log, so the
 * client's secrets are masked: sign-in forms and their Basic header, and the Expert token's signature. The
 * bearer tokens the simulator itself issued stay readable (tests match pushes to the token that made them).
 */
export function recordedParts(endpoint: SimEndpoint, headers: IncomingHttpHeaders, rawBody: string): RecordedParts {
  const kept = { ...headers };
  if (FORM_ENDPOINTS.has(endpoint) && kept.authorization !== undefined) {
    kept.authorization = maskCredentials(kept.authorization);
  }
  if (endpoint === 'expert-query' && kept['x-deki-token'] !== undefined) {
    kept['x-deki-token'] = maskDekiSignature(String(kept['x-deki-token']));
  }
  return { headers: kept, body: recordedBody(endpoint, rawBody) };
}

function recordedBody(endpoint: SimEndpoint, rawBody: string): unknown {
  if (FORM_ENDPOINTS.has(endpoint)) {
    const form = Object.fromEntries(new URLSearchParams(rawBody));
    for (const field of Object.keys(form)) if (SECRET_FORM_FIELDS.has(field)) form[field] = MASKED;
    return form;
  }
  if (rawBody === '') return undefined;
  const parsed = parseJson(rawBody);
  return parsed.ok ? parsed.value : rawBody;
}

/** `Basic abc=` becomes `Basic [masked]`: the scheme is kept, so a test can still tell which one was used. */
function maskCredentials(header: string): string {
  const scheme = /^\S+(?=\s)/.exec(header)?.[0];
  return scheme ? `${scheme} ${MASKED}` : MASKED;
}

/** `tkn_{key}_{epoch}_{user}_{hmac}` keeps key, epoch and user, which are not secret and worth checking. */
function maskDekiSignature(token: string): string {
  const lastUnderscore = token.lastIndexOf('_');
  return token.startsWith('tkn_') && lastUnderscore > 3 ? `${token.slice(0, lastUnderscore)}_${MASKED}` : MASKED;
}
