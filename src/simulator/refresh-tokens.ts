import { randomBytes } from 'node:crypto';

export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 24 * 3600;

interface Grant {
  accessKeyId: string;
  expiresAt: number;
}

/** Refresh tokens of the password grant: single use (each use rotates), expiring, revocable. */
export class RefreshTokens {
  private readonly grants = new Map<string, Grant>();
  private ttlSeconds = DEFAULT_REFRESH_TOKEN_TTL_SECONDS;

  constructor(private readonly now: () => number = Date.now) {}

  issue(accessKeyId: string): string {
    this.forgetExpired();
    const token = randomBytes(32).toString('base64url');
    this.grants.set(token, { accessKeyId, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return token;
  }

  /** The access key a valid token was issued to, which it can never be used for again; undefined if invalid. */
  redeem(token: string | null): string | undefined {
    if (!token) return undefined;
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    this.grants.delete(token);
    return this.now() < grant.expiresAt ? grant.accessKeyId : undefined;
  }

  revokeAll(): void {
    this.grants.clear();
  }

  /** Applies to tokens issued from now on. */
  setTtl(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new RangeError(`refresh token ttl must be a positive number of seconds, got ${seconds}`);
    }
    this.ttlSeconds = seconds;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [token, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(token);
  }
}
