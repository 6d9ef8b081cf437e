import { randomBytes } from 'node:crypto';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** Opaque bearer tokens with a server-side expiry, as the CXone token endpoint issues them. */
export class TokenRegistry {
  private readonly expiryByToken = new Map<string, number>();

  constructor(
    private ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    assertTtl(ttlSeconds);
  }

  issue(): IssuedToken {
    this.forgetExpired();
    const accessToken = randomBytes(32).toString('base64url');
    this.expiryByToken.set(accessToken, this.now() + this.ttlSeconds * 1000);
    return { accessToken, expiresInSeconds: this.ttlSeconds };
  }

  isValid(token: string | undefined): boolean {
    if (!token) return false;
    const expiresAt = this.expiryByToken.get(token);
    if (expiresAt === undefined) return false;
    if (this.now() < expiresAt) return true;
    this.expiryByToken.delete(token);
    return false;
  }

  /** When a valid token expires (ms since the epoch); undefined for an unknown or expired one. */
  expiresAt(token: string | undefined): number | undefined {
    return this.isValid(token) ? this.expiryByToken.get(token!) : undefined;
  }

  revokeAll(): void {
    this.expiryByToken.clear();
  }

  /** Applies to tokens issued from now on. */
  setTtl(seconds: number): void {
    assertTtl(seconds);
    this.ttlSeconds = seconds;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [token, expiresAt] of this.expiryByToken) {
      if (expiresAt <= now) this.expiryByToken.delete(token);
    }
  }
}

function assertTtl(seconds: number): void {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`token ttl must be a positive number of seconds, got ${seconds}`);
  }
}
