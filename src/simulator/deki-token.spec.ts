import { describe, expect, it } from 'vitest';
import { DEKI_TOKEN_MAX_SKEW_SECONDS, dekiSignature, dekiToken, dekiTokenRefusal } from './deki-token.js';

const CREDENTIALS = { key: 'k3y', secret: 's3cret', user: '=assist_service' };
const NOW = 1_750_000_000;

describe(dekiTokenRefusal.name, () => {
  it('accepts a token made as the Expert examples make it (hex HMAC-SHA256 of key_epoch_user)', () => {
    // Computed independently: printf 'k3y_1750000000_=assist_service' | openssl dgst -sha256 -hmac s3cret
    const hex = 'e1463e73955627b5c760ff77a6ec43e63b05b1a705a079ef2791e8baaa8d0572';

    expect(dekiTokenRefusal(`tkn_k3y_${NOW}_=assist_service_${hex}`, CREDENTIALS, NOW)).toBeUndefined();
    expect(dekiToken(CREDENTIALS, NOW)).toBe(`tkn_k3y_${NOW}_=assist_service_${hex}`);
  });

  it('accepts the hex in uppercase, as C# clients send it', () => {
    const token = `tkn_k3y_${NOW}_=assist_service_${dekiSignature(CREDENTIALS, NOW).toUpperCase()}`;

    expect(dekiTokenRefusal(token, CREDENTIALS, NOW)).toBeUndefined();
  });

  it('accepts a numeric user id and a key that itself contains _<digits>_', () => {
    const credentials = { key: 'site_2024_key', secret: 'x', user: '1234' };

    expect(dekiTokenRefusal(dekiToken(credentials, NOW), credentials, NOW)).toBeUndefined();
  });

  it.each([
    [-DEKI_TOKEN_MAX_SKEW_SECONDS, undefined],
    [DEKI_TOKEN_MAX_SKEW_SECONDS, undefined],
    [-DEKI_TOKEN_MAX_SKEW_SECONDS - 1, 'stale'],
    [DEKI_TOKEN_MAX_SKEW_SECONDS + 1, 'stale'],
  ])('an epoch %i s away from now is %s', (offset, refusal) => {
    expect(dekiTokenRefusal(dekiToken(CREDENTIALS, NOW + offset), CREDENTIALS, NOW)).toBe(refusal);
  });

  it.each([
    ['missing', undefined],
    ['missing', ''],
    ['malformed', 'Bearer abc'],
    ['malformed', `tkn_k3y_${NOW}_=assist_service_nothex`],
    ['malformed', `tkn_k3y_notanumber_=assist_service_${'a'.repeat(64)}`],
    ['unknown-key', dekiToken({ ...CREDENTIALS, key: 'other' }, NOW)],
    ['unknown-user', dekiToken({ ...CREDENTIALS, user: '=someone' }, NOW)],
    ['bad-signature', dekiToken({ ...CREDENTIALS, secret: 'wrong' }, NOW)],
    ['bad-signature', `tkn_k3y_${NOW + 1}_=assist_service_${dekiSignature(CREDENTIALS, NOW)}`],
  ])('refuses as %s: %s', (refusal, token) => {
    expect(dekiTokenRefusal(token, CREDENTIALS, NOW)).toBe(refusal);
  });
});
