import { describe, expect, it } from 'vitest';
import { connectionBanner } from './connection-banner.js';
import { readStandaloneSettings } from './standalone-settings.js';

const URLS = {
  baseUrl: 'http://0.0.0.0:4000',
  tokenUrl: 'http://0.0.0.0:4000/oauth/token',
  streamUrl: 'ws://0.0.0.0:4000/cxoneapi/v2/agentassist/stream',
  issuer: 'http://cxone-sim:4000',
};

/** How tooling reads the tutorial settings off the banner (test/standalone-simulator.e2e-spec.ts does this). */
function tutorialBlock(banner: string): Record<string, string> {
  return Object.fromEntries([...banner.matchAll(/^ {2}(CXONE_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

function realProfileBlock(banner: string): Record<string, string> {
  return Object.fromEntries([...banner.matchAll(/^ {4}([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

describe(connectionBanner.name, () => {
  const settings = readStandaloneSettings({ SIM_EXPERT_USER: '42', SIM_ACCESS_KEY_SECRET: 'ak-secret' });

  it('prints the tutorial settings alone in the first block', () => {
    expect(tutorialBlock(connectionBanner(URLS, settings))).toEqual({
      CXONE_TOKEN_URL: URLS.tokenUrl,
      CXONE_API_BASE_URL: URLS.baseUrl,
      CXONE_STREAM_URL: URLS.streamUrl,
      CXONE_CLIENT_ID: 'sandbox-client',
      CXONE_CLIENT_SECRET: 'sandbox-secret',
    });
  });

  it('prints the real profile in a second block, on the public URL', () => {
    expect(realProfileBlock(connectionBanner(URLS, settings))).toEqual({
      CXONE_AUTH: 'access-key',
      CXONE_ISSUER: 'http://cxone-sim:4000',
      CXONE_CLIENT_ID: 'sandbox-client',
      CXONE_CLIENT_SECRET: 'sandbox-secret',
      CXONE_ACCESS_KEY_ID: 'sim-access-key',
      CXONE_ACCESS_KEY_SECRET: 'ak-secret',
      CXONE_STREAM_URL: 'ws://cxone-sim:4000/cxoneapi/v2/agentassist/stream',
      KB_PROVIDER: 'expert',
      EXPERT_SITE_URL: 'http://cxone-sim:4000',
      EXPERT_KEY: 'sim-expert-key',
      EXPERT_SECRET: 'sim-expert-secret',
      EXPERT_USER: '42',
    });
  });
});
