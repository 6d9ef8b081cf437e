import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ExpertCredentials } from './simulator-types.js';

/**
 * How far a token's epoch may be from the server's clock, either way. Expert does not publish its window;
 * five minutes is the usual allowance for clock skew while keeping a captured token's replay short.
 */
export const DEKI_TOKEN_MAX_SKEW_SECONDS = 300;

export type DekiTokenRefusal = 'missing' | 'malformed' | 'unknown-key' | 'unknown-user' | 'bad-signature' | 'stale';

const TOKEN_SHAPE = /^tkn_(.+?)_(\d+)_(.+)_([0-9a-f]{64})$/i;

/** The signature a server API token carries: hex HMAC-SHA256 of `{key}_{epoch}_{user}` with the secret. */
export function dekiSignature(credentials: ExpertCredentials, epoch: number | string): string {
  return createHmac('sha256', credentials.secret)
    .update(`${credentials.key}_${epoch}_${credentials.user}`)
    .digest('hex');
}

/** A valid `X-Deki-Token` for these credentials, as a client makes one. */
export function dekiToken(credentials: ExpertCredentials, epoch: number): string {
  return `tkn_${credentials.key}_${epoch}_${credentials.user}_${dekiSignature(credentials, epoch)}`;
}

/**
 * Why `header` does not authenticate as `expected` at `nowSeconds`, or undefined when it does. The hex may be
 * in either case (Node and Python clients send lowercase, C# uppercase).
 */
export function dekiTokenRefusal(
  header: string | undefined,
  expected: ExpertCredentials,
  nowSeconds: number,
): DekiTokenRefusal | undefined {
  if (!header) return 'missing';
  // Matching the configured key first lets a key contain `_<digits>_` without the generic shape misreading it.
  const prefix = `tkn_${expected.key}_`;
  const parts = header.startsWith(prefix)
    ? /^(\d+)_(.+)_([0-9a-f]{64})$/i.exec(header.slice(prefix.length))
    : undefined;
  if (!parts) return TOKEN_SHAPE.test(header) ? 'unknown-key' : 'malformed';
  const [, epoch, user, hex] = parts as unknown as [string, string, string, string];
  if (user !== expected.user) return 'unknown-user';
  const signature = Buffer.from(dekiSignature(expected, epoch), 'hex');
  if (!timingSafeEqual(signature, Buffer.from(hex, 'hex'))) return 'bad-signature';
  if (Math.abs(nowSeconds - Number(epoch)) > DEKI_TOKEN_MAX_SKEW_SECONDS) return 'stale';
  return undefined;
}
