import { describe, expect, it } from 'vitest';
import { trustedUrl } from './issuer-http.js';

describe(trustedUrl.name, () => {
  const HTTPS_ISSUER = 'https://cxone.example.com';

  it.each([
    ['https anywhere', 'https://api-na1.example.com/x', HTTPS_ISSUER],
    ['plain http to loopback (the simulator, a sidecar)', 'http://127.0.0.1:4000/auth/token', HTTPS_ISSUER],
    [
      'plain http on the host of an issuer configured with http',
      'http://cxone-sim:4000/auth/token',
      'http://cxone-sim:4000',
    ],
  ])('accepts %s', (_case, url, issuer) => {
    expect(trustedUrl(url, issuer)?.href).toBe(url);
  });

  it.each([
    ['plain http off loopback', 'http://api-na1.example.com', HTTPS_ISSUER],
    ['a downgrade to http on the https issuer host', 'http://cxone.example.com/auth/token', HTTPS_ISSUER],
    ['plain http to another host than the http issuer', 'http://elsewhere:4000/auth/token', 'http://cxone-sim:4000'],
    ['credentials in the URL', 'https://user:pw@api.example.com', HTTPS_ISSUER],
    ['another scheme', 'ftp://api.example.com', HTTPS_ISSUER],
    ['a relative URL', '/auth/token', HTTPS_ISSUER],
    ['a very long URL', `https://api.example.com/${'a'.repeat(3000)}`, HTTPS_ISSUER],
    ['no string', 42, HTTPS_ISSUER],
  ])('refuses %s', (_case, url, issuer) => {
    expect(trustedUrl(url, issuer)).toBeUndefined();
  });
});
