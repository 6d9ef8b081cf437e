import { sign } from 'node:crypto';
import type { SigningKey } from './signing-keys.js';
import type { IdTokenTampering, TenantAgent } from './simulator-types.js';

export const ID_TOKEN_TAMPERINGS: readonly IdTokenTampering[] = [
  'none',
  'bad-signature',
  'wrong-audience',
  'wrong-issuer',
  'expired',
  'no-tenant',
];

/** Values a tampered token carries instead of the right ones. */
export const FOREIGN_AUDIENCE = 'another-client';
export const FOREIGN_ISSUER = 'https://cxone.niceincontact.com';
/** Far beyond any clock tolerance a verifier allows. */
const EXPIRED_SINCE_SECONDS = 3600;

/** Where every user of the simulated tenant lives. */
const TENANT_CLAIMS = { icBUId: '4600001', icClusterId: 'C32' };
/** The simulated CXone user the access keys belong to. */
const ACCESS_KEY_USER = { icAgentId: '30001234', name: 'Assist Service (simulated)' };

interface IdTokenAudience {
  issuer: string;
  clientId: string;
  tenantId: string;
  ttlSeconds: number;
}

/** Who signed in: the service with an access key, or an agent at the sign-in page (with the client's nonce). */
export type IdTokenSubject = IdTokenAudience & ({ accessKeyId: string } | { agent: TenantAgent; nonce: string });

/** A compact RS256 JWS id_token as CXone issues it, made wrong on purpose by `tampering`. */
export function signIdToken(
  subject: IdTokenSubject,
  key: SigningKey,
  tampering: IdTokenTampering,
  nowMs = Date.now(),
): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
  const iat = Math.floor(nowMs / 1000) - (tampering === 'expired' ? EXPIRED_SINCE_SECONDS : 0);
  const claims: Record<string, unknown> = {
    iss: tampering === 'wrong-issuer' ? FOREIGN_ISSUER : subject.issuer,
    aud: tampering === 'wrong-audience' ? FOREIGN_AUDIENCE : subject.clientId,
    sub: 'agent' in subject ? `user:${subject.agent.agentId}` : subject.accessKeyId,
    iat,
    exp: tampering === 'expired' ? iat + 1 : iat + Math.ceil(subject.ttlSeconds),
    ...('agent' in subject ? { nonce: subject.nonce } : {}),
    ...(tampering === 'no-tenant' ? {} : { tenantId: subject.tenantId }),
    ...TENANT_CLAIMS,
    ...('agent' in subject ? { icAgentId: subject.agent.agentId, name: subject.agent.name } : ACCESS_KEY_USER),
  };
  const signingInput = `${base64urlJson(header)}.${base64urlJson(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey);
  if (tampering === 'bad-signature') signature[0]! ^= 0xff;
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64urlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
