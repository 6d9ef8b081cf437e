import type { HttpService } from '@nestjs/axios';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTPayload, jwtVerify, type JWTVerifyOptions } from 'jose';
import type { Counters } from '../../common/counters.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { IdTokenRejection } from './access-key.labels.js';
import { exchangeWithIssuer, hostOf, objectOf } from './issuer-http.js';

export interface ExpectedIdToken {
  /** The discovery document's `issuer`, which `iss` must equal exactly. */
  issuer: string;
  /** CXONE_CLIENT_ID. */
  audience: string;
  jwksUri: string;
  /** Agent sign-in: the nonce the authorization request carried, which the token must repeat. */
  nonce?: string;
}

export interface VerifiedIdentity {
  tenantId: string;
  /** CXone's `icAgentId` claim: present when an agent (not an access key) signed in. */
  agentId?: string;
  name?: string;
}

const MAX_ID_TOKEN_CHARS = 16 * 1024;
const MAX_JWKS_BYTES = 64 * 1024;
const MAX_JWKS_KEYS = 32;
/** Keys are also fetched again at once when a token names an unknown one; this only retires removed keys. */
const JWKS_MAX_AGE_MS = 60 * 60 * 1000;
const CLOCK_TOLERANCE_SECONDS = 30;
/** Goes into a query string and log lines: a CXone tenant id is a short identifier, nothing else. */
const TENANT_ID = /^[\w.:-]{1,128}$/;

const EXPLANATIONS: Readonly<Record<IdTokenRejection, string>> = {
  missing: 'the token reply has no id_token',
  malformed: 'not a well-formed signed JWT',
  algorithm: 'not signed with RS256',
  'unknown-key': "signed with a key the issuer's JWKS does not list",
  signature: "the signature does not verify against the issuer's JWKS",
  issuer: 'iss is not the issuer',
  audience: 'aud is not CXONE_CLIENT_ID',
  expired: 'expired',
  claims: 'exp, nbf or iat missing or unusable',
  tenant: 'no usable tenantId claim',
  nonce: 'nonce is not the one this sign-in sent (a replayed or injected token)',
};
const AGENT_ID = /^[\w.:-]{1,64}$/;
const MAX_NAME_CHARS = 200;

interface HeldKeys {
  uri: string;
  keys: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * Verifies the sign-in's id_token before anything in it is trusted: RS256 signature against the issuer's
 * JWKS, `iss`, `aud` and `exp` (30 s clock tolerance), then the `tenantId` claim. The JWKS is fetched
 * here through HttpService, not by jose's createRemoteJWKSet: that one uses its own fetch, so the reply
 * size cap, the redirect policy and the mocked HTTP layer of the tests would not apply to it. Keys are
 * kept for an hour, and fetched once more when a token names a key not in the set (key rotation).
 */
export class IdTokenVerifier {
  private held?: HeldKeys;

  constructor(
    private readonly http: HttpService,
    private readonly counters: Counters,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(idToken: string | undefined, expected: ExpectedIdToken): Promise<VerifiedIdentity> {
    const host = hostOf(expected.issuer);
    if (idToken === undefined) throw this.rejected('missing', host);
    if (idToken.length > MAX_ID_TOKEN_CHARS) throw this.rejected('malformed', host);
    let payload: JWTPayload;
    try {
      payload = await this.verifiedPayload(idToken, expected);
    } catch (error) {
      if (error instanceof AuthException) throw error;
      throw this.rejected(rejectionOf(error), host);
    }
    const { tenantId } = payload;
    if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) throw this.rejected('tenant', host);
    if (expected.nonce !== undefined && payload.nonce !== expected.nonce) throw this.rejected('nonce', host);
    return { tenantId, agentId: agentIdOf(payload.icAgentId), name: nameOf(payload.name) };
  }

  private async verifiedPayload(idToken: string, expected: ExpectedIdToken): Promise<JWTPayload> {
    const options: JWTVerifyOptions = {
      algorithms: ['RS256'],
      issuer: expected.issuer,
      audience: expected.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp'],
    };
    const { keys, fresh } = await this.currentKeys(expected.jwksUri);
    try {
      return (await jwtVerify(idToken, keys, options)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || fresh) throw error;
      // The issuer rotated its signing key since the set was fetched.
      return (await jwtVerify(idToken, await this.fetchKeys(expected.jwksUri), options)).payload;
    }
  }

  /** The held set while young; else a new one, or the old one while the JWKS endpoint is down. */
  private async currentKeys(uri: string): Promise<{ keys: HeldKeys['keys']; fresh: boolean }> {
    const held = this.held?.uri === uri ? this.held : undefined;
    if (held && this.now() - held.fetchedAt < JWKS_MAX_AGE_MS) return { keys: held.keys, fresh: false };
    try {
      return { keys: await this.fetchKeys(uri), fresh: true };
    } catch (error) {
      if (held && error instanceof AuthException && error.code === AuthErrorCode.IssuerUnavailable) {
        return { keys: held.keys, fresh: false };
      }
      throw error;
    }
  }

  private async fetchKeys(uri: string): Promise<HeldKeys['keys']> {
    const what = `JWKS at ${hostOf(uri)}`;
    try {
      const reply = await exchangeWithIssuer(this.http, {
        method: 'GET',
        url: uri,
        maxBytes: MAX_JWKS_BYTES,
        what,
        unavailable: AuthErrorCode.IssuerUnavailable,
        invalid: AuthErrorCode.JwksInvalid,
      });
      if (reply.status < 200 || reply.status >= 300) {
        throw new AuthException(AuthErrorCode.JwksInvalid, `${what} answered HTTP ${reply.status}`, reply.status);
      }
      const keys = parseKeySet(reply.data, what);
      this.held = { uri, keys, fetchedAt: this.now() };
      return keys;
    } catch (error) {
      if (error instanceof AuthException && error.code === AuthErrorCode.JwksInvalid) {
        this.counters.count('issuer_documents_rejected', { document: 'jwks' });
      }
      throw error;
    }
  }

  private rejected(reason: IdTokenRejection, host: string): AuthException {
    this.counters.count('token_verification_failures', { reason });
    return new AuthException(
      AuthErrorCode.IdTokenRejected,
      `id_token from ${host} rejected (${reason}): ${EXPLANATIONS[reason]}; its tenant is not trusted`,
    );
  }
}

function parseKeySet(data: unknown, what: string): HeldKeys['keys'] {
  const keys = objectOf(data)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_JWKS_KEYS || !keys.every(isKeyLike)) {
    throw new AuthException(AuthErrorCode.JwksInvalid, `${what} is not a set of 1 to ${MAX_JWKS_KEYS} keys`);
  }
  try {
    return createLocalJWKSet(data as JSONWebKeySet);
  } catch {
    throw new AuthException(AuthErrorCode.JwksInvalid, `${what} is not a valid JSON Web Key Set`);
  }
}

function isKeyLike(key: unknown): boolean {
  return typeof objectOf(key)?.kty === 'string';
}

function agentIdOf(claim: unknown): string | undefined {
  const id = typeof claim === 'number' && Number.isSafeInteger(claim) ? String(claim) : claim;
  return typeof id === 'string' && AGENT_ID.test(id) ? id : undefined;
}

function nameOf(claim: unknown): string | undefined {
  return typeof claim === 'string' && claim.trim() ? claim.trim().slice(0, MAX_NAME_CHARS) : undefined;
}

function rejectionOf(error: unknown): IdTokenRejection {
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown-key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'issuer';
    if (error.claim === 'aud') return 'audience';
    return 'claims';
  }
  return 'malformed';
}
