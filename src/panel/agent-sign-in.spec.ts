import type { HttpService } from '@nestjs/axios';
import type { ConfigService } from '@nestjs/config';
import { of } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { LocalPendingSignIns } from './pending-sign-ins.js';
import { AgentSignIn } from './agent-sign-in.js';
import { PanelErrorCode } from './panel.exception.js';

const ISSUER = 'https://cxone.example.com';
const DISCOVERY = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/auth/token`,
  jwks_uri: `${ISSUER}/auth/jwks`,
  authorization_endpoint: `${ISSUER}/auth/authorize`,
};
const config = {
  get: () => ({ clientId: 'client-1', clientSecret: 'secret-1', issuer: ISSUER }),
} as unknown as ConfigService<AppConfig, true>;

function httpAnswering(tokenReply: { status: number; data: unknown }) {
  const request = vi.fn((options: { url: string }) =>
    of(options.url.endsWith('/openid-configuration') ? { status: 200, data: DISCOVERY } : tokenReply),
  );
  return { http: { request } as unknown as HttpService, request };
}

describe(AgentSignIn.name, () => {
  it('sends the agent to the issuer with PKCE (S256), a state and a nonce, coming back to the panel', async () => {
    const { http } = httpAnswering({ status: 400, data: {} });
    const sut = new AgentSignIn(http, new Counters(), config, new LocalPendingSignIns());
    const url = new URL(await sut.start('https://assist.example.com', '/agent?contactId=1'));
    expect(`${url.origin}${url.pathname}`).toBe(DISCOVERY.authorization_endpoint);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://assist.example.com/agent/callback',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(url.href).not.toContain('secret-1');
  });

  it('refuses a state it never issued without calling the token endpoint', async () => {
    const { http, request } = httpAnswering({ status: 400, data: {} });
    const sut = new AgentSignIn(http, new Counters(), config, new LocalPendingSignIns());
    await expect(sut.finish('code', 'x'.repeat(43))).rejects.toMatchObject({ code: PanelErrorCode.UnknownState });
    expect(request).not.toHaveBeenCalled();
  });

  it('uses a state once: the second callback with it is refused before the code is tried again', async () => {
    const { http, request } = httpAnswering({ status: 400, data: { error: 'invalid_grant' } });
    const sut = new AgentSignIn(http, new Counters(), config, new LocalPendingSignIns());
    const state = new URL(await sut.start('https://assist.example.com', '/agent')).searchParams.get('state')!;
    await expect(sut.finish('code', state)).rejects.toMatchObject({ code: PanelErrorCode.CodeRefused });
    const tokenCalls = request.mock.calls.filter(([options]) => options.url.endsWith('/auth/token')).length;
    await expect(sut.finish('code', state)).rejects.toMatchObject({ code: PanelErrorCode.UnknownState });
    expect(request.mock.calls.filter(([options]) => options.url.endsWith('/auth/token'))).toHaveLength(tokenCalls);
  });

  it('sends the code with its verifier and the raw Basic client credentials, and no secret in the form', async () => {
    const { http, request } = httpAnswering({ status: 400, data: {} });
    const sut = new AgentSignIn(http, new Counters(), config, new LocalPendingSignIns());
    const url = new URL(await sut.start('https://assist.example.com', '/agent'));
    await sut.finish('the-code', url.searchParams.get('state')!).catch(() => undefined);
    const [options] = request.mock.calls.find(([o]) => o.url.endsWith('/auth/token'))! as unknown as [
      { headers: Record<string, string>; data: string },
    ];
    const form = new URLSearchParams(options.data);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code')).toBe('the-code');
    expect(form.get('redirect_uri')).toBe('https://assist.example.com/agent/callback');
    expect(form.get('code_verifier')).toMatch(/^[\w-]{43}$/);
    expect(options.data).not.toContain('secret-1');
    expect(options.headers.Authorization).toBe(`Basic ${Buffer.from('client-1:secret-1').toString('base64')}`);
  });
});
