import { BIDI_CONTROLS, LINE_CONTROLS, ZERO_WIDTH_FORMATS } from '../../common/invisible-characters.js';

/** Expert's error replies are a few hundred bytes; a larger body is not one worth reading for a reason. */
const MAX_ERROR_BODY_CHARS = 16 * 1024;
const MAX_MESSAGE_CHARS = 160;
const INVISIBLE = new RegExp(`[${LINE_CONTROLS}${BIDI_CONTROLS}${ZERO_WIDTH_FORMATS}]+`, 'g');
const SERVER_TOKEN = /tkn_\S*/g;

/**
 * What most probably is wrong when Expert refuses a search with 401 or 403, for the operator. Expert's
 * search only leaves out the pages its user may not read, so refusing the whole request is about the
 * token: its key and secret, the user it acts as, or its timestamp.
 */
export const EXPERT_REFUSAL_HINT =
  'No Expert search can succeed until this is fixed. Check that EXPERT_KEY and EXPERT_SECRET are the key and ' +
  'secret of one Server API token (a Browser token is refused off the browser), that EXPERT_USER (=name or a ' +
  "numeric id) exists, is a user the token may act as and may read the knowledge pages, and that this host's " +
  'clock is right (the token carries a timestamp, and a clock a few minutes off is refused).';

/**
 * The `message` of an Expert (Dream) error reply, cleaned for a log line: no control or invisible
 * characters, at most 160 characters, no server token and none of `secrets`. Undefined for anything else
 * (an HTML error page says nothing useful in one line).
 */
export function expertSays(body: string, secrets: readonly string[]): string | undefined {
  if (body.length === 0 || body.length > MAX_ERROR_BODY_CHARS) return undefined;
  let message: unknown;
  try {
    message = (JSON.parse(body) as { message?: unknown } | null)?.message;
  } catch {
    return undefined;
  }
  if (typeof message !== 'string') return undefined;
  let text = message.replace(INVISIBLE, ' ').replace(SERVER_TOKEN, 'tkn_[redacted]');
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('[redacted]');
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}
