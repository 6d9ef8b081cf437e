import type { HttpService } from '@nestjs/axios';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import { exchangeWithIssuer, hostOf, objectOf } from './issuer-http.js';

/** A successful token reply, checked for shape; the id_token is not verified yet. */
export interface GrantedTokens {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string;
  idToken?: string;
}

const MAX_TOKEN_CHARS = 16 * 1024;
const MAX_REPLY_BYTES = 64 * 1024;
/** CXone issues tokens for about an hour; a lifetime beyond a day is a broken reply, not a gift. */
const MAX_LIFETIME_SECONDS = 24 * 3600;
/** RFC 6749's error codes are short words; anything else is not repeated in a log line. */
const OAUTH_ERROR = /^[a-z_]{1,64}$/;

/**
 * `Authorization: Basic base64(client_id:client_secret)` with the raw values: CXone's token endpoint
 * expects them so (the contract), although RFC 6749 section 2.3.1 form-encodes them first.
 */
export function clientAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
}

/**
 * One grant at the token endpoint. A 4xx is a refusal (InvalidCredentials, with the OAuth error code when
 * the reply has one); network failures, 429 and 5xx are TokenEndpointUnavailable.
 */
export async function requestGrant(
  http: HttpService,
  tokenEndpoint: string,
  authorization: string,
  form: URLSearchParams,
): Promise<GrantedTokens> {
  const host = hostOf(tokenEndpoint);
  const grant = form.get('grant_type') ?? 'unknown';
  const reply = await exchangeWithIssuer(http, {
    method: 'POST',
    url: tokenEndpoint,
    headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    maxBytes: MAX_REPLY_BYTES,
    what: `token endpoint ${host}`,
    unavailable: AuthErrorCode.TokenEndpointUnavailable,
    invalid: AuthErrorCode.InvalidTokenReply,
  });
  if (reply.status >= 200 && reply.status < 300) return parseGrantReply(reply.data, host);
  if (reply.status >= 400) {
    const error = objectOf(reply.data)?.error;
    const reason = typeof error === 'string' && OAUTH_ERROR.test(error) ? ` ${error}` : '';
    throw new AuthException(
      AuthErrorCode.InvalidCredentials,
      `token endpoint ${host} refused the ${grant} grant (HTTP ${reply.status}${reason})`,
      reply.status,
    );
  }
  throw new AuthException(
    AuthErrorCode.InvalidTokenReply,
    `token endpoint ${host} answered the ${grant} grant with HTTP ${reply.status}`,
    reply.status,
  );
}

function parseGrantReply(data: unknown, host: string): GrantedTokens {
  const reply = objectOf(data) ?? {};
  const expiresIn = Number(reply.expires_in);
  const tokenType = reply.token_type;
  if (
    !isToken(reply.access_token) ||
    !Number.isFinite(expiresIn) ||
    expiresIn <= 0 ||
    (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer'))
  ) {
    throw new AuthException(
      AuthErrorCode.InvalidTokenReply,
      `token endpoint ${host} replied without a usable access_token/expires_in/token_type`,
    );
  }
  return {
    accessToken: reply.access_token,
    expiresInSeconds: Math.min(expiresIn, MAX_LIFETIME_SECONDS),
    // An unusable refresh token only means the next renewal signs in with the access key again.
    refreshToken: isToken(reply.refresh_token) ? reply.refresh_token : undefined,
    // Checked (length included) by the verifier, which counts what is wrong with it.
    idToken: typeof reply.id_token === 'string' ? reply.id_token : undefined,
  };
}

function isToken(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_CHARS;
}
