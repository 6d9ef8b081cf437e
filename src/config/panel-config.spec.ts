import { describe, expect, it } from 'vitest';
import { validateEnvironment } from './app-config.js';
import type { ConfigException } from './config.exception.js';

const TENANT = { CXONE_CLIENT_ID: 'id', CXONE_CLIENT_SECRET: 'secret' };

function refusal(env: Record<string, string>): ConfigException {
  try {
    validateEnvironment(env);
  } catch (error) {
    return error as ConfigException;
  }
  throw new Error('expected the configuration to be refused');
}

describe('panel configuration', () => {
  it('keeps the panel off for a tenant unless CARD_SINKS asks for it, and on in the sandbox', () => {
    expect(validateEnvironment(TENANT).panel).toMatchObject({ cardSinks: ['cxone'], enabled: false });
    expect(validateEnvironment({}).panel).toMatchObject({ cardSinks: ['cxone', 'panel'], enabled: true });
  });

  it('needs PANEL_PUBLIC_URL and CXONE_ISSUER for a tenant’s panel, naming both in one message', () => {
    const error = refusal({ ...TENANT, CARD_SINKS: 'panel' });
    expect(error.message).toContain('PANEL_PUBLIC_URL');
    expect(error.message).toContain('CXONE_ISSUER');
  });

  it('reads a panel-only tenant with its frame ancestors', () => {
    const config = validateEnvironment({
      ...TENANT,
      CARD_SINKS: 'panel',
      PANEL_PUBLIC_URL: 'https://assist.example.com/',
      CXONE_ISSUER: 'https://cxone.niceincontact.com',
      PANEL_FRAME_ANCESTORS: "'self' https://*.niceincontact.com",
    });
    expect(config.panel).toMatchObject({
      cardSinks: ['panel'],
      publicUrl: 'https://assist.example.com',
      frameAncestors: ["'self'", 'https://*.niceincontact.com'],
    });
  });

  it('refuses frame ancestors that are not origins (no CSP injection) and unknown sinks', () => {
    const error = refusal({
      PANEL_FRAME_ANCESTORS: "https://a.example; script-src 'unsafe-inline'",
      CARD_SINKS: 'cxone,screen',
    });
    expect(error.message).toContain('PANEL_FRAME_ANCESTORS');
    expect(error.message).toContain('CARD_SINKS');
  });
});
