import { S256_CHALLENGE, type AuthorizationCodes } from './authorization-codes.js';
import type { Answer } from './http-exchange.js';
import type { EndpointRequest } from './rest-endpoints.js';
import { PAGE_HEADERS, refusalPage, signInPage } from './sign-in-page.js';
import type { TenantAgent } from './simulator-types.js';

export interface AuthorizeDeps {
  /** The only client the tenant knows. */
  clientId: string;
  agents: readonly TenantAgent[];
  codes: AuthorizationCodes;
}

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

type Checked = { ok: true; request: AuthorizeRequest } | { ok: false; answer: Answer };

/**
 * Agent sign-in at the tenant's IdP (OIDC authorization code with PKCE): GET shows the sign-in page, its forms
 * POST back the same parameters with the agent chosen, which answers with a one-time code at the redirect_uri.
 */
export function answerAuthorize(request: EndpointRequest, deps: AuthorizeDeps): Answer {
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.query);
    const checked = checkAuthorizeRequest(params, deps);
    if (!checked.ok) return checked.answer;
    return { status: 200, rawBody: signInPage(params, deps.agents), contentType: HTML, headers: PAGE_HEADERS };
  }
  if (request.method === 'POST') return signIn(new URLSearchParams(request.rawBody), deps);
  return { status: 405, body: { error: 'method_not_allowed' }, headers: { allow: 'GET, POST' } };
}

const HTML = 'text/html; charset=utf-8';

function signIn(form: URLSearchParams, deps: AuthorizeDeps): Answer {
  const checked = checkAuthorizeRequest(form, deps);
  if (!checked.ok) return checked.answer;
  const { redirectUri, state, ...grant } = checked.request;
  const agent = deps.agents.find((candidate) => candidate.agentId === form.get('agent_id'));
  if (!agent) {
    return redirectTo(redirectUri, { error: 'invalid_request', error_description: 'unknown agent_id', state });
  }
  const code = deps.codes.issue({ ...grant, redirectUri, agent });
  return redirectTo(redirectUri, { code, state });
}

/**
 * As RFC 6749 §4.1.2.1 says: a request whose client or redirect_uri is wrong gets an error page, since
 * redirecting would hand the error (and the user) to whoever forged it; any other flaw goes back to the client.
 */
function checkAuthorizeRequest(params: URLSearchParams, deps: AuthorizeDeps): Checked {
  const clientId = params.get('client_id');
  if (!clientId || clientId !== deps.clientId) {
    return refused('The application (client_id) is not known to this tenant.');
  }
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri || !isRedirectUri(redirectUri)) {
    return refused('The redirect_uri must be an absolute http or https URL without a fragment.');
  }
  const state = params.get('state') ?? undefined;
  const back = (error: string, description: string): Checked => ({
    ok: false,
    answer: redirectTo(redirectUri, { error, error_description: description, state }),
  });
  const responseType = params.get('response_type');
  if (!responseType) return back('invalid_request', 'response_type is required');
  if (responseType !== 'code') return back('unsupported_response_type', 'only response_type=code is supported');
  if (!state) return back('invalid_request', 'state is required');
  const nonce = params.get('nonce');
  if (!nonce) return back('invalid_request', 'nonce is required');
  if (params.get('code_challenge_method') !== 'S256') {
    return back('invalid_request', 'PKCE with code_challenge_method=S256 is required');
  }
  const codeChallenge = params.get('code_challenge');
  if (!codeChallenge || !S256_CHALLENGE.test(codeChallenge)) {
    return back('invalid_request', 'code_challenge must be base64url(sha256(code_verifier))');
  }
  return { ok: true, request: { clientId, redirectUri, state, nonce, codeChallenge } };
}

function isRedirectUri(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !text.includes('#');
  } catch {
    return false;
  }
}

function refused(reason: string): Checked {
  return {
    ok: false,
    answer: { status: 400, rawBody: refusalPage(reason), contentType: HTML, headers: PAGE_HEADERS },
  };
}

function redirectTo(redirectUri: string, params: Record<string, string | undefined>): Answer {
  const location = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) location.searchParams.set(name, value);
  return { status: 302, headers: { location: location.href, 'cache-control': 'no-store' } };
}
