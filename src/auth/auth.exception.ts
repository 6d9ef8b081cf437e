export enum AuthErrorCode {
  InvalidCredentials = 'AUTH_INVALID_CREDENTIALS',
  TokenEndpointUnavailable = 'AUTH_TOKEN_ENDPOINT_UNAVAILABLE',
  InvalidTokenReply = 'AUTH_INVALID_TOKEN_REPLY',
  /** access-key: discovery, JWKS or cxone-configuration did not answer (network, timeout, 429, 5xx). */
  IssuerUnavailable = 'AUTH_ISSUER_UNAVAILABLE',
  DiscoveryInvalid = 'AUTH_DISCOVERY_INVALID',
  JwksInvalid = 'AUTH_JWKS_INVALID',
  IdTokenRejected = 'AUTH_ID_TOKEN_REJECTED',
  TenantUnknown = 'AUTH_TENANT_UNKNOWN',
  TenantConfigurationInvalid = 'AUTH_TENANT_CONFIGURATION_INVALID',
}

/** Failures a second try may mend at once (the endpoint was busy or unreachable). */
export const TRANSIENT_AUTH_ERRORS: ReadonlySet<AuthErrorCode> = new Set([
  AuthErrorCode.TokenEndpointUnavailable,
  AuthErrorCode.IssuerUnavailable,
]);

/**
 * Refusals and answers that cannot be trusted: asking faster mends none of them (an operator or the
 * tenant's administrator has to), and hammering the token endpoint may lock the user out.
 */
export const REFUSED_AUTH_ERRORS: ReadonlySet<AuthErrorCode> = new Set([
  AuthErrorCode.InvalidCredentials,
  AuthErrorCode.DiscoveryInvalid,
  AuthErrorCode.JwksInvalid,
  AuthErrorCode.IdTokenRejected,
  AuthErrorCode.TenantUnknown,
  AuthErrorCode.TenantConfigurationInvalid,
]);

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
