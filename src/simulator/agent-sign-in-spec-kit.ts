import { createHash, randomBytes } from 'node:crypto';
import type { CxoneSimulator } from './index.js';
import { basic, postToken } from './oidc-spec-kit.js';
import { SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

/** Helpers of the agent sign-in specs: an authorize request and the code redemption, as a browser app makes them. */

export const REDIRECT_URI = 'https://panel.example/callback?tab=assist';

/** RFC 7636 Appendix B. */
export const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkcePair(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A valid authorize request for `pkce`; `overrides` with `undefined` leave a parameter out. */
export function authorizeParams(
  pkce: Pkce,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: SPEC_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state: 'state-42',
    nonce: 'nonce-7',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export function getAuthorize(sim: CxoneSimulator, params: Record<string, string>): Promise<Response> {
  return fetch(`${sim.issuer}/auth/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
}

/** What the sign-in page's form posts when the agent clicks its button. */
export function postAuthorize(sim: CxoneSimulator, form: Record<string, string>): Promise<Response> {
  return fetch(`${sim.issuer}/auth/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
}

/** The query of a 302's Location, which must lead back to `REDIRECT_URI`. */
export function redirectedQuery(response: Response): URLSearchParams {
  if (response.status !== 302) throw new Error(`expected a redirect, got ${response.status}`);
  const location = new URL(response.headers.get('location') ?? '');
  if (`${location.origin}${location.pathname}` !== REDIRECT_URI.split('?')[0]) {
    throw new Error(`redirected to ${location.href}`);
  }
  return location.searchParams;
}

/** Signs `agentId` in at the page and returns the code the redirect carries. */
export async function issueCode(sim: CxoneSimulator, pkce: Pkce, agentId = '1001'): Promise<string> {
  const query = redirectedQuery(await postAuthorize(sim, { ...authorizeParams(pkce), agent_id: agentId }));
  return query.get('code') ?? '';
}

export function redeemCode(
  sim: CxoneSimulator,
  code: string,
  verifier: string,
  redirectUri = REDIRECT_URI,
): Promise<Response> {
  return postToken(
    sim,
    { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
    basic(SPEC_CLIENT_ID, SPEC_CLIENT_SECRET),
  );
}

/** The hidden inputs of each form on the sign-in page, by the button that submits it. */
export function formsOf(html: string): Map<string, Record<string, string>> {
  const forms = new Map<string, Record<string, string>>();
  for (const [, form] of html.matchAll(/<form method="post" action="\/auth\/authorize">([\s\S]*?)<\/form>/g)) {
    const inputs = [...form!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)];
    const button = /<button type="submit">([^<]*)<\/button>/.exec(form!)?.[1] ?? '';
    forms.set(
      unescape(button),
      Object.fromEntries(inputs.map(([, name, value]) => [unescape(name!), unescape(value!)])),
    );
  }
  return forms;
}

function unescape(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
