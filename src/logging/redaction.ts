/**
 * Everything the logs must never show, in one place: structured fields are censored by pino's `redact`
 * (REDACT_PATHS), free text (messages, error stacks) by `scrubSecrets`.
 */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'access_token',
  'accessToken',
  'refresh_token',
  'client_secret',
  'clientSecret',
  'password',
  'token',
];

export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'req.headers.cookie',
  'config.data',
];

export const REDACTED = '[REDACTED]';

const SECRET_PATTERNS: [RegExp, string][] = [
  // A token in a URL query or form body; the whole pair goes, so not even the parameter name remains.
  [/\b(access_token|refresh_token|client_secret|password)=[^&\s"'<>]*/gi, `[REDACTED $1]`],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, `Bearer ${REDACTED}`],
  [/\bBasic\s+[A-Za-z0-9+/]{8,}=*/g, `Basic ${REDACTED}`],
];

/** Removes `access_token=…`, `Bearer …` and similar secrets from free text. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}
