import { createHash } from 'node:crypto';

/**
 * SHA-256 of `text`, base64url (43 characters, or the first `length`): a fixed-size key that NATS subjects
 * and key-value buckets accept whatever the text holds, and that does not give the text (a cookie) away.
 */
export function keyDigest(text: string, length = 43): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, length);
}
