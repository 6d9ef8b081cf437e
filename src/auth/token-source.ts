/** A token as a sign-in endpoint issued it. */
export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

/**
 * The outside system that issues access tokens: the tutorial's client-credentials call or a real
 * tenant's access-key sign-in. AuthService holds, refreshes and invalidates what it issues.
 */
export interface TokenSource {
  /** The sign-in endpoint's host, for messages (never a secret). */
  readonly endpoint: string;
  /** One sign-in (or renewal); throws an AuthException. */
  requestToken(): Promise<IssuedToken>;
  /** Where the tenant's REST APIs are, when the sign-in learns it (access-key); undefined otherwise. */
  apiBaseUrl?(): string | undefined;
}

export const TOKEN_SOURCE = Symbol('TOKEN_SOURCE');
