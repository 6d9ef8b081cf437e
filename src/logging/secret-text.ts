/**
 * Secrets in free text (log messages, stacks, string fields, form bodies, JSON dumps) and secret field
 * names. Every pattern is linear: character classes that cannot overlap what follows them, no nested
 * quantifiers, and JSON strings whose closing quote is optional so an unterminated one never makes
 * the engine retry.
 */

export const REDACTED = '[REDACTED]';

/** Free text longer than this is cut before it is scrubbed (and logged). */
export const MAX_TEXT_CHARS = 64 * 1024;

/**
 * Names that hold credentials, as the END of a field name or of a `name=` / `"name":` pair, any case,
 * `-`/`_` between words optional: `authorization`, `Proxy-Authorization`, `set-cookie`, `x-deki-token`,
 * `accessToken`, `refresh_token`, `id_token`, `client_secret`, `password`, `api_key`, `assertion`,
 * `code_verifier`, `private_key`, `credentials`…
 */
const SECRET_NAME =
  '(?:token|secret|passw(?:or)?d|pwd|api[-_]?key|authorization|cookie|assertion|code[-_]?verifier|private[-_]?key|credentials)';
const SECRET_FIELD_NAME = new RegExp(`${SECRET_NAME}$`, 'i');
/** Longer than any secret name, so testing only the tail of a (possibly huge) key is exact. */
const SECRET_NAME_TAIL = 32;

/** True for field names whose values are credentials (`Authorization`, `client_secret`, `accessToken`…). */
export function isSecretFieldName(key: string): boolean {
  return SECRET_FIELD_NAME.test(key.length > SECRET_NAME_TAIL ? key.slice(-SECRET_NAME_TAIL) : key);
}

/** Any of the patterns below can only match text containing one of these; most log lines contain none. */
const MAYBE_SECRET = new RegExp(`${SECRET_NAME}|bearer|basic|tkn_|eyJ|code=`, 'i');

/** HTTP authentication schemes kept in front of a redacted credential: `Authorization: Bearer [REDACTED]`. */
const SCHEME = '(?:bearer|basic|digest|negotiate|token)';

/**
 * `name=value`, `name: value`, `"name":"value"`, `'name': 'value'`, `\"name\":\"value\"` (JSON inside a
 * JSON string) for every secret name. The value: a JSON string (double, single or escaped quotes;
 * closing quote optional), or else a bare word, optionally after an auth scheme.
 */
const SECRET_PAIR = new RegExp(
  `(?<![\\w-])(\\\\?["']?)([\\w-]*?${SECRET_NAME})\\1(\\s*[:=]\\s*)` +
    `(?:("(?:[^"\\\\]|\\\\.)*"?|'(?:[^'\\\\]|\\\\.)*'?|\\\\"(?:[^"\\\\]|\\\\[^"])*(?:\\\\")?)` +
    `|(?:(${SCHEME})\\s+)?[^\\s"'&,;<>\\\\{}\\[\\]]+)`,
  'gi',
);

type Rule = [RegExp, string | ((match: string, ...groups: (string | undefined)[]) => string)];

const RULES: Rule[] = [
  // Cookie headers: the value runs to the end of the line or a quote (`a=1; b=2` is one value).
  [/(?<![\w-])((?:set-)?cookie)(\s*:\s*)[^\r\n"'\\]+/gi, `$1$2${REDACTED}`],
  [SECRET_PAIR, redactPair],
  // OAuth `code` only as a query or form parameter: `code` alone is also an error code (`ECONNRESET`).
  [/(?<=^|[?&])code=[^\s"'&<>]*/gi, `[REDACTED code]`],
  [/\b(bearer)\s+[\w\-.~+/]+=*/gi, `$1 ${REDACTED}`],
  [/\b(basic)\s+([A-Za-z0-9+/]{8,}={0,2})/gi, redactBasicCredentials],
  // Expert (MindTouch) server tokens: tkn_{key}_{epoch}_{user}_{hmac}.
  [/\btkn_[^\s"'&,;<>\\]+/g, `tkn_${REDACTED}`],
  // JWTs (id tokens, many access tokens): three base64url segments, the first a JSON object.
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, REDACTED],
];

/**
 * Removes secrets from free text: `access_token=…`, `client_secret=…` and other secret pairs in URLs,
 * form bodies and `key: value` text (the whole `name=value` pair becomes `[REDACTED name]`, so not even
 * `access_token=` remains); JSON-quoted secret fields; `Bearer`/`Basic` credentials, any case; Expert
 * `tkn_…` tokens; JWTs. Text beyond MAX_TEXT_CHARS is cut first.
 *
 * Deliberately eager: `bearer` in any case is taken as an auth scheme, so "the bearer of bad news"
 * logs as "the bearer [REDACTED] bad news". A lost word in a log line is harmless; a missed token is
 * not, and the logs carry no customer speech where such prose could come from.
 */
export function scrubSecrets(text: string): string {
  const capped = capText(text);
  if (!MAYBE_SECRET.test(capped)) return capped;
  let scrubbed = capped;
  for (const [pattern, replacement] of RULES) {
    scrubbed = scrubbed.replace(pattern, replacement as (match: string, ...rest: unknown[]) => string);
  }
  return scrubbed;
}

/** At most MAX_TEXT_CHARS characters, saying how many were cut. */
export function capText(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  return `${text.slice(0, MAX_TEXT_CHARS)}…[${text.length - MAX_TEXT_CHARS} characters cut]`;
}

function redactPair(
  _match: string,
  quote: string | undefined,
  name: string | undefined,
  separator: string | undefined,
  quotedValue: string | undefined,
  scheme: string | undefined,
): string {
  if (separator?.trim() === '=' && !quote) return `[REDACTED ${name}]`;
  const key = `${quote}${name}${quote}${separator}`;
  if (quotedValue !== undefined) {
    const open = quotedValue.startsWith('\\') ? '\\"' : quotedValue[0];
    return `${key}${open}${REDACTED}${open}`;
  }
  return scheme ? `${key}${scheme} ${REDACTED}` : `${key}${REDACTED}`;
}

/** Basic credentials are base64 of `id:secret`; anything that does not decode to a colon is a word. */
function redactBasicCredentials(match: string, scheme = '', credentials = ''): string {
  return Buffer.from(credentials, 'base64').toString('latin1').includes(':') ? `${scheme} ${REDACTED}` : match;
}
