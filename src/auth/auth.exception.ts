export enum AuthErrorCode {
  InvalidCredentials = 'AUTH_INVALID_CREDENTIALS',
  TokenEndpointUnavailable = 'AUTH_TOKEN_ENDPOINT_UNAVAILABLE',
  InvalidTokenReply = 'AUTH_INVALID_TOKEN_REPLY',
}

/** Token acquisition failure. Never carries the secret or a token. */
export class AuthException extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AuthException';
  }
}
