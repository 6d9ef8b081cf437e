import { AuthErrorCode, AuthException } from '../auth.exception.js';
import { objectOf, trustedUrl } from './issuer-http.js';

/** What the access-key sign-in needs from the issuer's OpenID configuration. */
export interface IssuerMetadata {
  /** Exactly as the document spells it: the id_token's `iss` must equal it. */
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  /** Where agents sign in (authorization code with PKCE); only the agent panel needs it. */
  authorizationEndpoint?: string;
}

export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * The sign-in's endpoints from `{issuer}/.well-known/openid-configuration`, after checking the document
 * speaks for the configured issuer (OpenID Connect Discovery 1.0, section 4.3) and sends the access key
 * nowhere but https (or loopback). Throws DiscoveryInvalid naming the first unusable field.
 */
export function parseDiscoveryDocument(data: unknown, configuredIssuer: string, host: string): IssuerMetadata {
  const invalid = (problem: string) =>
    new AuthException(AuthErrorCode.DiscoveryInvalid, `discovery document of ${host} ${problem}`);
  const document = objectOf(data);
  if (!document) throw invalid('is not a JSON object');
  const { issuer } = document;
  if (typeof issuer !== 'string' || withoutTrailingSlash(issuer) !== withoutTrailingSlash(configuredIssuer)) {
    throw invalid(`has no issuer or names another one than CXONE_ISSUER (${configuredIssuer})`);
  }
  const tokenEndpoint = trustedUrl(document.token_endpoint, configuredIssuer);
  if (!tokenEndpoint) throw invalid('has no usable token_endpoint (expected an absolute https URL)');
  const jwksUri = trustedUrl(document.jwks_uri, configuredIssuer);
  if (!jwksUri) throw invalid('has no usable jwks_uri (expected an absolute https URL)');
  const authorizationEndpoint = trustedUrl(document.authorization_endpoint, configuredIssuer)?.href;
  return { issuer, tokenEndpoint: tokenEndpoint.href, jwksUri: jwksUri.href, authorizationEndpoint };
}

export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
