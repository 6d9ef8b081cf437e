import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { RFC_CHALLENGE, RFC_VERIFIER } from './agent-sign-in-spec-kit.js';
import { AuthorizationCodes, verifierMatches, type CodeGrant } from './authorization-codes.js';

const GRANT: CodeGrant = {
  clientId: 'spec-client',
  redirectUri: 'https://panel.example/cb',
  codeChallenge: RFC_CHALLENGE,
  nonce: 'n-1',
  agent: { agentId: '1001', name: 'Demo Agent' },
};

describe(AuthorizationCodes.name, () => {
  let now: number;
  let sut: AuthorizationCodes;

  beforeEach(() => {
    now = 1_000_000;
    sut = new AuthorizationCodes(() => now, 3);
  });

  it('issues random codes, each redeemable once for what it was issued for', () => {
    const code = sut.issue(GRANT);

    expect(code).toMatch(/^[\w-]{43}$/);
    expect(sut.issue(GRANT)).not.toBe(code);
    expect(sut.redeem(code)).toEqual(GRANT);
    expect(sut.redeem(code)).toBeUndefined();
    expect(sut.redeem('never-issued')).toBeUndefined();
  });

  it('refuses a code 60 s after it was issued, or after the ttl set', () => {
    const fresh = sut.issue(GRANT);
    const stale = sut.issue(GRANT);
    now += 59_999;
    expect(sut.redeem(fresh)).toEqual(GRANT);
    now += 1;
    expect(sut.redeem(stale)).toBeUndefined();

    sut.setTtl(1);
    const short = sut.issue(GRANT);
    now += 1_000;
    expect(sut.redeem(short)).toBeUndefined();
    expect(() => sut.setTtl(0)).toThrow(RangeError);
  });

  it('keeps at most its limit outstanding, dropping the oldest', () => {
    const [oldest, ...rest] = [1, 2, 3, 4].map(() => sut.issue(GRANT));

    expect(sut.outstanding).toBe(3);
    expect(sut.redeem(oldest!)).toBeUndefined();
    for (const code of rest) expect(sut.redeem(code)).toEqual(GRANT);
  });
});

describe(verifierMatches.name, () => {
  const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

  it('accepts the verifier whose base64url SHA-256 is the challenge (RFC 7636 Appendix B)', () => {
    expect(verifierMatches(RFC_VERIFIER, RFC_CHALLENGE)).toBe(true);
  });

  it('refuses another verifier, the challenge itself (plain), and malformed verifiers', () => {
    expect(verifierMatches(`${RFC_VERIFIER.slice(0, -1)}Y`, RFC_CHALLENGE)).toBe(false);
    expect(verifierMatches(RFC_CHALLENGE, RFC_CHALLENGE)).toBe(false);
    for (const malformed of ['too-short', `${RFC_VERIFIER} `, `${RFC_VERIFIER}/`, 'v'.repeat(129)]) {
      expect(verifierMatches(malformed, s256(malformed)), malformed).toBe(false);
    }
    expect(verifierMatches('v'.repeat(128), s256('v'.repeat(128)))).toBe(true);
  });
});
