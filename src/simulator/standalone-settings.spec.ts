import { describe, expect, it } from 'vitest';
import { readStandaloneSettings, SIM_VARIABLES, StandaloneSettingsError } from './standalone-settings.js';

function problemOf(env: Record<string, string>): StandaloneSettingsError {
  try {
    readStandaloneSettings(env);
  } catch (error) {
    if (error instanceof StandaloneSettingsError) return error;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}

describe(readStandaloneSettings.name, () => {
  it('falls back to the defaults, counting empty as unset and ignoring non-SIM variables', () => {
    expect(readStandaloneSettings({ SIM_PORT: '', PATH: '/bin', PORT: 'not mine' })).toEqual({
      host: '127.0.0.1',
      port: 4000,
      clientId: 'sandbox-client',
      clientSecret: 'sandbox-secret',
      tokenTtlSeconds: 3600,
      play: true,
      playPauseMs: 4000,
      playSpeed: 1,
      agentVerdicts: true,
      publicUrl: undefined,
      accessKeyId: 'sim-access-key',
      accessKeySecret: 'sim-access-secret',
      tenantId: '11eb0000-0000-0000-0000-000000000001',
      expertKey: 'sim-expert-key',
      expertSecret: 'sim-expert-secret',
      expertUser: '=assist-service',
    });
  });

  it('reads every setting', () => {
    expect(
      readStandaloneSettings({
        SIM_HOST: '0.0.0.0',
        SIM_PORT: '0',
        SIM_CLIENT_ID: 'id',
        SIM_CLIENT_SECRET: 'secret',
        SIM_TOKEN_TTL_SECONDS: '30',
        SIM_PLAY: 'false',
        SIM_PLAY_PAUSE_MS: '0',
        SIM_PLAY_SPEED: '2.5',
        SIM_AGENT_VERDICTS: 'false',
        SIM_PUBLIC_URL: 'http://cxone-sim:4000/',
        SIM_ACCESS_KEY_ID: 'key-id',
        SIM_ACCESS_KEY_SECRET: 'key-secret',
        SIM_TENANT_ID: 'tenant-1',
        SIM_EXPERT_KEY: 'ek',
        SIM_EXPERT_SECRET: 'es',
        SIM_EXPERT_USER: '42',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 0,
      clientId: 'id',
      clientSecret: 'secret',
      tokenTtlSeconds: 30,
      play: false,
      playPauseMs: 0,
      playSpeed: 2.5,
      agentVerdicts: false,
      publicUrl: 'http://cxone-sim:4000',
      accessKeyId: 'key-id',
      accessKeySecret: 'key-secret',
      tenantId: 'tenant-1',
      expertKey: 'ek',
      expertSecret: 'es',
      expertUser: '42',
    });
    expect(SIM_VARIABLES).toHaveLength(16);
  });

  it.each([
    ['SIM_PORT', '65536'],
    ['SIM_PORT', '40a'],
    ['SIM_PORT', '-1'],
    ['SIM_TOKEN_TTL_SECONDS', '0'],
    ['SIM_PLAY', 'yes'],
    ['SIM_PLAY_PAUSE_MS', '1.5'],
    ['SIM_PLAY_SPEED', '0'],
    ['SIM_PLAY_SPEED', 'fast'],
    ['SIM_AGENT_VERDICTS', 'TRUE'],
    ['SIM_PUBLIC_URL', 'cxone-sim:4000'],
    ['SIM_PUBLIC_URL', 'ftp://cxone-sim'],
    ['SIM_PUBLIC_URL', 'http://cxone-sim:4000/base'],
    ['SIM_PUBLIC_URL', 'http://user@cxone-sim:4000'],
    ['SIM_EXPERT_USER', 'assist-service'],
    ['SIM_EXPERT_USER', '='],
  ])('refuses %s=%s with one line naming it', (name, value) => {
    const error = problemOf({ [name]: value });
    expect(error.variables).toEqual([name]);
    expect(error.message).toMatch(new RegExp(`^Invalid simulator settings: ${name} must be .*\\(got "${value}"\\)$`));
  });

  it('names every bad variable in one line, refuses unknown SIM_ names, and never echoes the secret', () => {
    const error = problemOf({ SIM_PORT: 'x\ny', SIM_PLAY_PAUSE: '100', SIM_PLAY: 'on', SIM_CLIENT_SECRET: 'ok' });
    expect(error.variables).toEqual(['SIM_PORT', 'SIM_PLAY', 'SIM_PLAY_PAUSE']);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message).toContain('SIM_PLAY_PAUSE is not a simulator setting (known: SIM_HOST, SIM_PORT,');
  });
});
