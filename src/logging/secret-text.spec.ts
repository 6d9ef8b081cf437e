import { describe, expect, it } from 'vitest';

import { isSecretFieldName, MAX_TEXT_CHARS, scrubSecrets } from './secret-text.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJlLXMzY3IzdA';
const DEKI = 'tkn_key1_1700000000_=alice_9f86d081884c7d659a2feaa0c55ad015';

describe('scrubSecrets', () => {
  it.each([
    ['a query token', 'GET /stream?access_token=at-123&x=1 failed', 'GET /stream?[REDACTED access_token]&x=1 failed'],
    [
      'a client-credentials form body',
      'grant_type=client_credentials&client_secret=s3cr3t&client_id=abc',
      'grant_type=client_credentials&[REDACTED client_secret]&client_id=abc',
    ],
    [
      'a password grant',
      'grant_type=password&username=key-1&password=p%40ss+w0rd',
      'grant_type=password&username=key-1&[REDACTED password]',
    ],
    [
      'a refresh grant',
      'grant_type=refresh_token&refresh_token=rt-9',
      'grant_type=refresh_token&[REDACTED refresh_token]',
    ],
    ['an id token pair, value up to a quote', `'id_token=${JWT}' sent`, `'[REDACTED id_token]' sent`],
    ['an authorization code', '/callback?code=ac-77&state=s1', '/callback?[REDACTED code]&state=s1'],
    [
      'a code in a form body',
      'grant_type=authorization_code&code=ac-77',
      'grant_type=authorization_code&[REDACTED code]',
    ],
    ['a PKCE verifier', 'code_verifier=v-1 sent', '[REDACTED code_verifier] sent'],
    ['camelCase names', 'clientSecret=s1 apiKey=k1', '[REDACTED clientSecret] [REDACTED apiKey]'],
  ])('censors %s', (_, text, expected) => {
    expect(scrubSecrets(text)).toBe(expected);
  });

  it.each([
    ['JSON', '{"access_token":"at-1","expires_in":3600}', '{"access_token":"[REDACTED]","expires_in":3600}'],
    ['JSON with spacing', '{ "client_secret" : "s-2" }', '{ "client_secret" : "[REDACTED]" }'],
    ['single quotes', "{'refresh_token': 'rt-3'}", "{'refresh_token': '[REDACTED]'}"],
    ['util.inspect style', "{ id_token: 'eyJx' }", "{ id_token: '[REDACTED]' }"],
    [
      'camelCase keys',
      '{"accessToken":"at-4","clientSecret":"s-4"}',
      '{"accessToken":"[REDACTED]","clientSecret":"[REDACTED]"}',
    ],
    ['an escaped quote inside', '{"password":"pa\\"ss","user":"u"}', '{"password":"[REDACTED]","user":"u"}'],
    [
      'JSON inside a JSON string',
      '{"data":"{\\"access_token\\":\\"at-5\\"}"}',
      '{"data":"{\\"access_token\\":\\"[REDACTED]\\"}"}',
    ],
    ['a number', '{"password":123456}', '{"password":[REDACTED]}'],
    ['an unterminated value', '{"refresh_token":"rt-6-cut-he', '{"refresh_token":"[REDACTED]"'],
    [
      'header names',
      '{"Authorization":"Bearer at-7","X-Deki-Token":"tkn_x"}',
      '{"Authorization":"[REDACTED]","X-Deki-Token":"[REDACTED]"}',
    ],
  ])('censors JSON-quoted secrets: %s', (_, text, expected) => {
    expect(scrubSecrets(text)).toBe(expected);
  });

  it.each([
    ['Bearer', 'Authorization: Bearer abc.DEF-123_~+/==', 'Authorization: Bearer [REDACTED]'],
    ['lowercase bearer', 'authorization: bearer abc123', 'authorization: bearer [REDACTED]'],
    ['BEARER in prose', 'retried with BEARER abc123 twice', 'retried with BEARER [REDACTED] twice'],
    ['bearer in prose', 'sent bearer at-8 again', 'sent bearer [REDACTED] again'],
    ['Basic', 'Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic [REDACTED]'],
    ['lowercase basic credentials', 'header basic dXNlcjpwYXNz', 'header basic [REDACTED]'],
    ['an X-Deki-Token header', `X-Deki-Token: ${DEKI}`, 'X-Deki-Token: [REDACTED]'],
    ['a bare Expert token', `signed ${DEKI} ok`, 'signed tkn_[REDACTED] ok'],
    ['a JWT', `id ${JWT} verified`, 'id [REDACTED] verified'],
    ['an unsigned JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. accepted?', '[REDACTED] accepted?'],
    ['cookies', 'Cookie: session=abc; theme=dark', 'Cookie: [REDACTED]'],
    ['set-cookie', 'set-cookie: sid=1; HttpOnly\nnext line', 'set-cookie: [REDACTED]\nnext line'],
    ['an API key header', 'x-api-key: k-123 refused', 'x-api-key: [REDACTED] refused'],
  ])('censors credentials: %s', (_, text, expected) => {
    expect(scrubSecrets(text)).toBe(expected);
  });

  it.each([
    'Pushed 2 card(s) for interaction call-1',
    'No cards for interaction token-42 (utterance 3)',
    'GET https://kb.example.com/articles/reset-a-voicemail-pin?page=1&pageSize=5&q=reset%20pin',
    'Stream connected to wss://api.example.com/cxoneapi/v2/agentassist/stream',
    'Access token obtained, valid for 3600s',
    'CXone rejected the access token; refreshing',
    'Token refresh failed: HTTP 503',
    'knowledge: forbidden (HTTP 403); the OAuth client probably lacks the knowledge:read scope',
    'Using HTTP Basic authentication for the token call',
    'exit code=1, error code: ECONNRESET, {"code":"ERR_BAD_REQUEST"}',
    'maxTokens=5 tokens: 12 secrets_loaded',
    'Router password reset (kb-tel-001)',
    'eyJ alone is not a token',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(scrubSecrets(text)).toBe(text);
  });

  it('takes "bearer" in prose as an auth scheme (documented trade-off: a lost word, never a token)', () => {
    expect(scrubSecrets('the bearer of bad news')).toBe('the bearer [REDACTED] bad news');
  });

  it('removes every secret of a line, not only the first', () => {
    const text = `a?access_token=1&refresh_token=2 Bearer 3 "client_secret":"4" ${JWT} ${DEKI}`;

    expect(scrubSecrets(text)).toBe(
      'a?[REDACTED access_token]&[REDACTED refresh_token] Bearer [REDACTED] "client_secret":"[REDACTED]" [REDACTED] tkn_[REDACTED]',
    );
    expect(scrubSecrets(scrubSecrets(text))).toBe(scrubSecrets(text));
  });

  it('cuts text beyond 64 KB before scrubbing, and scrubs what is kept', () => {
    const text = `access_token=at-9 ${'x'.repeat(MAX_TEXT_CHARS)} Bearer after-the-cut`;

    const scrubbed = scrubSecrets(text);

    expect(scrubbed.startsWith('[REDACTED access_token] xxx')).toBe(true);
    expect(scrubbed).not.toContain('after-the-cut');
    expect(scrubbed.endsWith(`…[${text.length - MAX_TEXT_CHARS} characters cut]`)).toBe(true);
    expect(scrubbed.length).toBeLessThan(MAX_TEXT_CHARS + 30);
  });

  it('stays linear on hostile input', () => {
    const hostile = [
      '"access_token":"'.repeat(4000),
      `${'a'.repeat(60_000)}token`,
      '{"password":"\\'.repeat(4000),
      'Bearer '.repeat(9000),
      `eyJ${'a'.repeat(30_000)}.${'b'.repeat(30_000)}`,
      `${'x-'.repeat(30_000)}secret`,
    ];
    const started = performance.now();
    for (const text of hostile) scrubSecrets(text);

    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('isSecretFieldName', () => {
  it.each([
    'authorization',
    'Authorization',
    'Proxy-Authorization',
    'cookie',
    'Set-Cookie',
    'x-deki-token',
    'X-Deki-Token',
    'access_token',
    'accessToken',
    'refresh_token',
    'id_token',
    'client_secret',
    'clientSecret',
    'CXONE_CLIENT_SECRET',
    'password',
    'secret',
    'api_key',
    'apiKey',
    'x-api-key',
    'token',
    'assertion',
    'client_assertion',
    'code_verifier',
    'private_key',
    'credentials',
  ])('%s is secret', (name) => {
    expect(isSecretFieldName(name)).toBe(true);
  });

  it.each(['interactionId', 'msg', 'context', 'code', 'tokenUrl', 'tokens', 'maxTokens', 'headers', 'data', 'key'])(
    '%s is not',
    (name) => {
      expect(isSecretFieldName(name)).toBe(false);
    },
  );

  it('looks only at the end of a huge name', () => {
    expect(isSecretFieldName(`${'a'.repeat(100_000)}_token`)).toBe(true);
    expect(isSecretFieldName(`token_${'a'.repeat(100_000)}`)).toBe(false);
  });
});
