import { createPublicKey, verify } from 'node:crypto';
import type { CxoneSimulator, PublicJwk } from './index.js';
import { SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

/** Helpers of the real-profile sign-in specs: token requests as a client makes them, id_token checks. */

export const ACCESS_KEY = { id: 'spec-access-key', secret: 'spec-access-secret' };
export const TENANT_ID = '11ee1111-2222-3333-4444-555566667777';

export interface TokenReply {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  id_token: string;
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;
}

export function postToken(
  sim: CxoneSimulator,
  form: Record<string, string>,
  authorization?: string,
): Promise<Response> {
  return fetch(`${sim.issuer}/auth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form),
  });
}

export function passwordGrant(
  sim: CxoneSimulator,
  key = ACCESS_KEY,
  authorization = basic(SPEC_CLIENT_ID, SPEC_CLIENT_SECRET),
) {
  return postToken(sim, { grant_type: 'password', username: key.id, password: key.secret }, authorization);
}

export async function signIn(sim: CxoneSimulator): Promise<TokenReply> {
  const response = await passwordGrant(sim);
  if (response.status !== 200) throw new Error(`password grant answered ${response.status}`);
  return (await response.json()) as TokenReply;
}

export function refreshGrant(sim: CxoneSimulator, refreshToken: string): Promise<Response> {
  return postToken(
    sim,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    basic(SPEC_CLIENT_ID, SPEC_CLIENT_SECRET),
  );
}

export async function jwks(sim: CxoneSimulator): Promise<PublicJwk[]> {
  return ((await (await fetch(`${sim.issuer}/auth/jwks`)).json()) as { keys: PublicJwk[] }).keys;
}

export function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** What a careful client checks before trusting the tenantId, as the list of checks that fail. */
export function idTokenProblems(idToken: string, keys: PublicJwk[], issuer: string): string[] {
  const [header, payload, signature] = idToken.split('.');
  const { kid, alg } = decodePart(header);
  const claims = decodePart(payload);
  const jwk = keys.find((key) => key.kid === kid);
  const problems: string[] = [];
  const signed =
    alg === 'RS256' &&
    jwk !== undefined &&
    verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: { ...jwk }, format: 'jwk' }),
      Buffer.from(signature ?? '', 'base64url'),
    );
  if (!signed) problems.push('signature');
  if (claims.iss !== issuer) problems.push('issuer');
  if (claims.aud !== SPEC_CLIENT_ID) problems.push('audience');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) problems.push('expiry');
  if (typeof claims.tenantId !== 'string' || claims.tenantId === '') problems.push('tenant');
  return problems;
}
