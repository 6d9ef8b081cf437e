import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../../common/counters.js';
import { AuthErrorCode, type AuthException } from '../auth.exception.js';
import { IdTokenVerifier } from './id-token-verifier.js';
import { CLIENT_ID, FakeIssuer, ISSUER, JWKS_URI, networkError, signingKey, TENANT_ID } from './issuer-spec-kit.js';

const EXPECTED = { issuer: ISSUER, audience: CLIENT_ID, jwksUri: JWKS_URI };

describe(IdTokenVerifier.name, () => {
  let sut: IdTokenVerifier;
  let issuer: FakeIssuer;
  let counters: Counters;
  let now: number;

  const rejection = (idToken: string | undefined) =>
    sut.verify(idToken, EXPECTED).then(
      () => expect.fail('expected the id_token to be rejected'),
      (error: unknown) => error as AuthException,
    );
  const jwksFetches = () => issuer.requestsTo('/auth/jwks').length;

  beforeEach(() => {
    issuer = new FakeIssuer();
    counters = new Counters();
    now = Date.now();
    sut = new IdTokenVerifier(issuer.http, counters, () => now);
  });

  afterEach(() => vi.restoreAllMocks());

  it('trusts the tenantId of a token signed by a JWKS key for this client and issuer', async () => {
    expect(await sut.verify(issuer.idToken(), EXPECTED)).toEqual({ tenantId: TENANT_ID });
  });

  it.each([
    ['signature', 'the signature is bad', (fake: FakeIssuer) => (fake.tamperSignature = true)],
    ['audience', 'it is for another client', (fake: FakeIssuer) => audience(fake, 'another-client')],
    ['issuer', 'another issuer made it', (fake: FakeIssuer) => claims(fake, { iss: 'https://cxone.evil.example' })],
    ['expired', 'it expired a minute ago', (fake: FakeIssuer) => claims(fake, { exp: seconds() - 60 })],
    ['claims', 'it has no exp', (fake: FakeIssuer) => claims(fake, { exp: undefined })],
    ['tenant', 'it names no tenant', (fake: FakeIssuer) => claims(fake, { tenantId: undefined })],
    ['tenant', 'its tenantId is not an identifier', (fake: FakeIssuer) => claims(fake, { tenantId: 'a\nb' })],
    ['algorithm', 'it is not RS256', (fake: FakeIssuer) => (fake.idTokenHeader = { alg: 'HS256' })],
  ])('rejects it (%s) when %s', async (reason, _case, spoil) => {
    spoil(issuer);
    const error = await rejection(issuer.idToken());
    expect(error.code).toBe(AuthErrorCode.IdTokenRejected);
    expect(error.message).toMatch(`rejected (${reason})`);
    expect(counters.get(`token_verification_failures{reason="${reason}"}`)).toBe(1);
  });

  it('allows a clock 30 seconds off, no more', async () => {
    claims(issuer, { exp: seconds() - 20 });
    await expect(sut.verify(issuer.idToken(), EXPECTED)).resolves.toEqual({ tenantId: TENANT_ID });
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'not.a.jwt'],
  ])('rejects it (%s) when it is not a token', async (reason, idToken) => {
    expect((await rejection(idToken)).message).toMatch(`rejected (${reason})`);
  });

  it('does not even parse a token larger than 16 KiB, however well signed', async () => {
    claims(issuer, { padding: 'x'.repeat(16 * 1024) });
    expect((await rejection(issuer.idToken())).message).toMatch('rejected (malformed)');
    expect(jwksFetches()).toBe(0);
  });

  it('never repeats the token or its claims in the message', async () => {
    issuer.tamperSignature = true;
    const idToken = issuer.idToken();
    const error = await rejection(idToken);
    expect(error.message).not.toContain(idToken.split('.')[1]);
    expect(error.message).not.toContain(TENANT_ID);
  });

  it('fetches the JWKS once and keeps it', async () => {
    await sut.verify(issuer.idToken(), EXPECTED);
    await sut.verify(issuer.idToken(), EXPECTED);
    expect(jwksFetches()).toBe(1);
  });

  it('fetches the JWKS once more when the issuer signs with a new key, and accepts it', async () => {
    await sut.verify(issuer.idToken(), EXPECTED);
    const rotated = signingKey('key-2');
    issuer.keys = [rotated];
    issuer.signer = rotated;

    expect(await sut.verify(issuer.idToken(), EXPECTED)).toEqual({ tenantId: TENANT_ID });
    expect(jwksFetches()).toBe(2);
  });

  it('fetches only once more for a key the issuer does not publish, then rejects it', async () => {
    await sut.verify(issuer.idToken(), EXPECTED);
    issuer.signer = signingKey('key-forged');

    expect((await rejection(issuer.idToken())).message).toMatch('rejected (unknown-key)');
    expect(jwksFetches()).toBe(2);
  });

  it('does not fetch a set it has just fetched again for an unpublished key', async () => {
    issuer.signer = signingKey('key-forged');
    expect((await rejection(issuer.idToken())).message).toMatch('rejected (unknown-key)');
    expect(jwksFetches()).toBe(1);
  });

  it('keeps the keys it has when the JWKS endpoint is down at the hourly re-fetch', async () => {
    await sut.verify(issuer.idToken(), EXPECTED);
    now += 61 * 60 * 1000;
    issuer.answerNext('/auth/jwks', networkError('ECONNREFUSED'));

    await expect(sut.verify(issuer.idToken(), EXPECTED)).resolves.toEqual({ tenantId: TENANT_ID });
    expect(jwksFetches()).toBe(2);
  });

  it.each([
    ['no keys', { keys: [] }],
    ['not a key set', { keys: 'none' }],
    ['a broken key', { keys: [{ kty: 42 }] }],
    ['an answer that is no JSON', 'gateway error page'],
  ])('refuses a JWKS with %s and counts it', async (_case, jwks) => {
    issuer.answerNext('/auth/jwks', { status: 200, data: jwks });
    const error = await rejection(issuer.idToken());
    expect(error.code).toBe(AuthErrorCode.JwksInvalid);
    expect(counters.get('issuer_documents_rejected{document="jwks"}')).toBe(1);
  });
});

function seconds(): number {
  return Math.floor(Date.now() / 1000);
}

function claims(issuer: FakeIssuer, changes: Record<string, unknown>): void {
  issuer.idTokenClaims = (base) => ({ ...base, ...changes });
}

function audience(issuer: FakeIssuer, aud: string): void {
  claims(issuer, { aud });
}
