import { describe, expect, it } from 'vitest';
import { MASKED, recordedParts } from './request-records.js';

describe(recordedParts.name, () => {
  it('masks the client secret of the tutorial token form and its Basic header, keeping the rest', () => {
    const recorded = recordedParts(
      'token',
      { authorization: 'Basic c3BlYzpzZWNyZXQ=', 'content-type': 'application/x-www-form-urlencoded' },
      'grant_type=client_credentials&client_id=spec&client_secret=s3cr3t',
    );

    expect(recorded).toEqual({
      headers: { authorization: `Basic ${MASKED}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: { grant_type: 'client_credentials', client_id: 'spec', client_secret: MASKED },
    });
  });

  it('masks every credential field of a sign-in form', () => {
    const { body } = recordedParts(
      'auth-token',
      {},
      'grant_type=authorization_code&code=c1&code_verifier=v1&password=p1&refresh_token=r1&username=key-id',
    );

    expect(body).toEqual({
      grant_type: 'authorization_code',
      code: MASKED,
      code_verifier: MASKED,
      password: MASKED,
      refresh_token: MASKED,
      username: 'key-id',
    });
  });

  it('keeps the authorize form readable: it carries no secret (the code only leaves in the redirect)', () => {
    const { body } = recordedParts('authorize', {}, 'client_id=spec&state=s1&nonce=n1&code_challenge=c1&agent_id=1001');

    expect(body).toEqual({ client_id: 'spec', state: 's1', nonce: 'n1', code_challenge: 'c1', agent_id: '1001' });
  });

  it('masks the whole Expert token when it does not even look like one', () => {
    expect(recordedParts('expert-query', { 'x-deki-token': 'secret-ish' }, '').headers['x-deki-token']).toBe(MASKED);
  });

  it('keeps the bearer token of the REST calls (tests match pushes to the token that made them)', () => {
    const recorded = recordedParts('cards', { authorization: 'Bearer at-1' }, '{"insights":[]}');

    expect(recorded).toEqual({ headers: { authorization: 'Bearer at-1' }, body: { insights: [] } });
  });
});
