import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expertServerToken } from './expert-server-token.js';

const CREDENTIALS = { key: 'sim-expert-key', secret: 'sim-expert-secret', user: '=assist-service' };

describe(expertServerToken.name, () => {
  it('matches a token signed elsewhere (Python hmac, epoch 1700000000)', () => {
    expect(expertServerToken(CREDENTIALS, 1_700_000_000_000)).toBe(
      'tkn_sim-expert-key_1700000000_=assist-service_46c4a0c68fef3fa867b10290a7467f7cdbbab8b453c1c1858921122c7c075e2f',
    );
  });

  it('signs "{key}_{epoch}_{user}" with the secret, epoch in whole Unix seconds, lowercase hex', () => {
    const token = expertServerToken({ key: 'k1', secret: 's3cr3t', user: '42' }, 1_712_345_678_999);
    const expected = createHmac('sha256', 's3cr3t').update('k1_1712345678_42').digest('hex');
    expect(token).toBe(`tkn_k1_1712345678_42_${expected}`);
    expect(token).toMatch(/^tkn_k1_1712345678_42_[0-9a-f]{64}$/);
  });

  it('changes with the second, the secret and the user', () => {
    const at = (ms: number) => expertServerToken(CREDENTIALS, ms);
    expect(at(1_700_000_000_999)).toBe(at(1_700_000_000_000));
    expect(at(1_700_000_001_000)).not.toBe(at(1_700_000_000_000));
    expect(expertServerToken({ ...CREDENTIALS, secret: 'other' }, 0)).not.toBe(expertServerToken(CREDENTIALS, 0));
    expect(expertServerToken({ ...CREDENTIALS, user: '=other' }, 0)).not.toBe(expertServerToken(CREDENTIALS, 0));
  });
});
