import { createHmac } from 'node:crypto';

export interface ExpertServerCredentials {
  key: string;
  secret: string;
  /** `=name` or a numeric user id: the Expert user the token acts as. */
  user: string;
}

/**
 * The `X-Deki-Token` value of an Expert server API token at `nowMs`:
 * `tkn_{key}_{epoch}_{user}_{hex(HMAC-SHA256(secret, "{key}_{epoch}_{user}"))}`, epoch in Unix seconds.
 * Expert refuses a token whose epoch is too far from its own clock, so one is made per request.
 */
export function expertServerToken(credentials: ExpertServerCredentials, nowMs: number): string {
  const signed = `${credentials.key}_${Math.floor(nowMs / 1000)}_${credentials.user}`;
  return `tkn_${signed}_${createHmac('sha256', credentials.secret).update(signed).digest('hex')}`;
}
