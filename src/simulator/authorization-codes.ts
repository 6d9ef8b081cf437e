import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TenantAgent } from './simulator-types.js';

export const DEFAULT_AUTHORIZATION_CODE_TTL_SECONDS = 60;
/** Codes issued but not redeemed yet; beyond this the oldest are dropped (a page reloaded forever stays bounded). */
export const MAX_OUTSTANDING_CODES = 1000;

/** What an authorization code was issued for: the token endpoint checks the redemption against it. */
export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  /** base64url(sha256(code_verifier)), RFC 7636 S256. */
  codeChallenge: string;
  nonce: string;
  agent: TenantAgent;
}

interface OutstandingCode extends CodeGrant {
  expiresAt: number;
}

/** One-time authorization codes of the agent sign-in: expiring, bounded, each redeemable once. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, OutstandingCode>();
  private ttlSeconds = DEFAULT_AUTHORIZATION_CODE_TTL_SECONDS;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limit = MAX_OUTSTANDING_CODES,
  ) {}

  issue(grant: CodeGrant): string {
    this.forgetExpired();
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { ...grant, expiresAt: this.now() + this.ttlSeconds * 1000 });
    if (this.codes.size > this.limit) this.codes.delete(this.codes.keys().next().value!);
    return code;
  }

  /** The grant of a valid code, which can never be redeemed again (even if the caller then refuses it). */
  redeem(code: string): CodeGrant | undefined {
    const outstanding = this.codes.get(code);
    if (!outstanding) return undefined;
    this.codes.delete(code);
    if (this.now() >= outstanding.expiresAt) return undefined;
    const { expiresAt: _expiresAt, ...grant } = outstanding;
    return grant;
  }

  get outstanding(): number {
    return this.codes.size;
  }

  /** Applies to codes issued from now on. */
  setTtl(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new RangeError(`authorization code ttl must be a positive number of seconds, got ${seconds}`);
    }
    this.ttlSeconds = seconds;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [code, { expiresAt }] of this.codes) if (expiresAt <= now) this.codes.delete(code);
  }
}

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** base64url of a SHA-256 digest, unpadded. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Whether the verifier is well formed and hashes to the challenge (S256). */
export function verifierMatches(verifier: string, challenge: string): boolean {
  if (!CODE_VERIFIER.test(verifier)) return false;
  const expected = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const given = Buffer.from(challenge);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
