import { verifierMatches, type AuthorizationCodes } from './authorization-codes.js';
import { signIdToken } from './id-token.js';
import { parseRawBasicCredentials, type Answer, type ClientCredentials } from './http-exchange.js';
import type { RefreshTokens } from './refresh-tokens.js';
import type { EndpointRequest } from './rest-endpoints.js';
import { AUTHORIZE_PATH } from './sign-in-page.js';
import type { SigningKeys } from './signing-keys.js';
import type { AccessKey, IdTokenTampering, RealProfileEndpoint, TenantAgent } from './simulator-types.js';
import type { TokenRegistry } from './token-registry.js';

export const OIDC_ENDPOINT_BY_PATH = {
  '/.well-known/openid-configuration': 'discovery',
  '/auth/jwks': 'jwks',
  '/auth/token': 'auth-token',
  '/.well-known/cxone-configuration': 'cxone-configuration',
} as const satisfies Record<string, RealProfileEndpoint>;

export type OidcEndpoint = (typeof OIDC_ENDPOINT_BY_PATH)[keyof typeof OIDC_ENDPOINT_BY_PATH];

export const TOKEN_PATH = '/auth/token';
export const JWKS_PATH = '/auth/jwks';

/** Where the simulated tenant lives, as the cxone-configuration document of an na1 tenant says. */
const TENANT_LOCATION = {
  area: 'na1',
  cluster: 'C32',
  domain: 'niceincontact.com',
  acdDomain: 'nice-incontact.com',
  uhDomain: 'nice-incontact.com',
  globaldomain: 'niceincontact.com',
};

export interface OidcDeps {
  /** The simulator's public base URL. */
  issuer(): string;
  credentials: ClientCredentials;
  accessKeys: readonly AccessKey[];
  tenantId: string;
  tokens: TokenRegistry;
  refreshTokens: RefreshTokens;
  codes: AuthorizationCodes;
  keys: SigningKeys;
  tampering(): IdTokenTampering;
}

const METHOD_BY_ENDPOINT: Readonly<Record<OidcEndpoint, string>> = {
  discovery: 'GET',
  jwks: 'GET',
  'auth-token': 'POST',
  'cxone-configuration': 'GET',
};

export function isOidcEndpoint(endpoint: string): endpoint is OidcEndpoint {
  return Object.hasOwn(METHOD_BY_ENDPOINT, endpoint);
}

/** A real tenant's sign-in side: OIDC discovery, JWKS, the token endpoint, and where the tenant's APIs are. */
export async function answerOidc(endpoint: OidcEndpoint, request: EndpointRequest, deps: OidcDeps): Promise<Answer> {
  const method = METHOD_BY_ENDPOINT[endpoint];
  if (request.method !== method) {
    return { status: 405, body: { error: 'method_not_allowed' }, headers: { allow: method } };
  }
  if (endpoint === 'discovery') return { status: 200, body: discoveryDocument(deps.issuer()) };
  if (endpoint === 'jwks') return { status: 200, body: await deps.keys.jwks() };
  if (endpoint === 'cxone-configuration') return cxoneConfiguration(request, deps);
  return issueTokens(request, deps);
}

function discoveryDocument(issuer: string): object {
  return {
    issuer,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    authorization_endpoint: `${issuer}${AUTHORIZE_PATH}`,
    token_endpoint_auth_methods_supported: ['client_secret_basic'],
    grant_types_supported: ['password', 'refresh_token', 'authorization_code'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
  };
}

function cxoneConfiguration(request: EndpointRequest, deps: OidcDeps): Answer {
  if (request.query.tenantId !== deps.tenantId) return { status: 404, body: { error: 'tenant_not_found' } };
  const base = deps.issuer();
  return {
    status: 200,
    body: {
      private: false,
      ui_endpoint: base,
      auth_endpoint: base,
      api_endpoint: base,
      ...TENANT_LOCATION,
      tenantId: deps.tenantId,
    },
  };
}

async function issueTokens(request: EndpointRequest, deps: OidcDeps): Promise<Answer> {
  const client = parseRawBasicCredentials(request.headers.authorization);
  if (client?.clientId !== deps.credentials.clientId || client.clientSecret !== deps.credentials.clientSecret) {
    return oauthError(401, 'invalid_client', { 'www-authenticate': 'Basic realm="cxone"' });
  }
  const form = new URLSearchParams(request.rawBody);
  const grant = form.get('grant_type') === 'authorization_code' ? redeemCode(form, deps) : grantedAccessKey(form, deps);
  if ('status' in grant) return grant;

  const key = await deps.keys.signingKey();
  const access = deps.tokens.issue();
  const idToken = signIdToken(
    {
      issuer: deps.issuer(),
      clientId: deps.credentials.clientId,
      tenantId: deps.tenantId,
      ttlSeconds: access.expiresInSeconds,
      ...grant,
    },
    key,
    deps.tampering(),
  );
  return {
    status: 200,
    body: {
      access_token: access.accessToken,
      token_type: 'Bearer',
      expires_in: access.expiresInSeconds,
      // An agent signs in again at the page; only the service's access key sign-in is kept alive by refreshing.
      ...('accessKeyId' in grant ? { refresh_token: deps.refreshTokens.issue(grant.accessKeyId) } : {}),
      id_token: idToken,
    },
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
  };
}

type Principal = { accessKeyId: string } | { agent: TenantAgent; nonce: string };

/** The access key the grant proves, or the OAuth error that refuses it. */
function grantedAccessKey(form: URLSearchParams, deps: OidcDeps): Principal | Answer {
  const grantType = form.get('grant_type');
  if (grantType === 'password') {
    const id = form.get('username');
    const secret = form.get('password');
    if (!id || !secret) return oauthError(400, 'invalid_request');
    const known = deps.accessKeys.some((key) => key.id === id && key.secret === secret);
    return known ? { accessKeyId: id } : oauthError(400, 'invalid_grant');
  }
  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return oauthError(400, 'invalid_request');
    const accessKeyId = deps.refreshTokens.redeem(refreshToken);
    return accessKeyId ? { accessKeyId } : oauthError(400, 'invalid_grant');
  }
  return oauthError(400, grantType ? 'unsupported_grant_type' : 'invalid_request');
}

/** The agent an authorization code was issued to, if this redemption matches its authorize request (PKCE). */
function redeemCode(form: URLSearchParams, deps: OidcDeps): Principal | Answer {
  const code = form.get('code');
  if (!code) return oauthError(400, 'invalid_request');
  const grant = deps.codes.redeem(code);
  const verifier = form.get('code_verifier') ?? '';
  const matches =
    grant !== undefined &&
    grant.clientId === deps.credentials.clientId &&
    grant.redirectUri === form.get('redirect_uri') &&
    verifierMatches(verifier, grant.codeChallenge);
  return matches ? { agent: grant.agent, nonce: grant.nonce } : oauthError(400, 'invalid_grant');
}

function oauthError(status: number, error: string, headers: Record<string, string> = {}): Answer {
  return { status, body: { error }, headers: { 'cache-control': 'no-store', ...headers } };
}
