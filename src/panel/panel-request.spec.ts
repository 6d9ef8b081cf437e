import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { PanelConfig } from '../config/panel-config.js';
import {
  isForeignOrigin,
  lastEventIdOf,
  panelOrigin,
  safeReturnPath,
  sessionCookie,
  sessionIdOf,
} from './panel-request.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const panel = (publicUrl?: string) => ({ publicUrl }) as PanelConfig;

describe('panel requests', () => {
  it('sends a sign-in back to a panel path only, never to another site', () => {
    expect(safeReturnPath('/agent?contactId=42')).toBe('/agent?contactId=42');
    for (const bad of [
      'https://evil.example/agent',
      '//evil.example',
      '/agent/\\evil.example',
      '/sandbox',
      42,
      '/agentx',
    ]) {
      expect(safeReturnPath(bad)).toBe('/agent');
    }
  });

  it('tells the panel’s own requests from other sites’ by Origin', () => {
    const own = 'https://assist.example.com';
    expect(isForeignOrigin(request({}), own)).toBe(false);
    expect(isForeignOrigin(request({ origin: own }), own)).toBe(false);
    expect(isForeignOrigin(request({ origin: 'https://evil.example' }), own)).toBe(true);
    expect(isForeignOrigin(request({ origin: 'null' }), own)).toBe(true);
    expect(isForeignOrigin(request({ origin: `${own}/path` }), own)).toBe(true);
  });

  it('uses PANEL_PUBLIC_URL, or a loopback Host in the sandbox, and nothing else', () => {
    expect(panelOrigin(request({ host: 'evil.example' }), panel('https://assist.example.com'))).toBe(
      'https://assist.example.com',
    );
    expect(panelOrigin(request({ host: '127.0.0.1:3000' }), panel())).toBe('http://127.0.0.1:3000');
    expect(panelOrigin(request({ host: 'evil.example' }), panel())).toBeUndefined();
  });

  it('sets a cookie the desktop iframe sends over https, HttpOnly always', () => {
    const https = sessionCookie('abc', 'https://assist.example.com', 3_600_000);
    expect(https).toContain('HttpOnly');
    expect(https).toContain('Secure');
    expect(https).toContain('SameSite=None');
    expect(https).toContain('Max-Age=3600');
    expect(https).toContain('Path=/agent');
    expect(sessionCookie('abc', 'http://127.0.0.1:3000', 1000)).toContain('SameSite=Lax');
  });

  it('reads the session cookie among others, and ignores an oversized header', () => {
    expect(sessionIdOf(request({ cookie: 'a=1; agent_panel_session=xyz; b=2' }))).toBe('xyz');
    expect(sessionIdOf(request({ cookie: `agent_panel_session=xyz; pad=${'x'.repeat(9000)}` }))).toBeUndefined();
  });

  it('takes a Last-Event-ID only in the hub’s own id form', () => {
    expect(lastEventIdOf(request({ 'last-event-id': 'mb3x-12' }), undefined)).toBe('mb3x-12');
    expect(lastEventIdOf(request({}), 'mb3x-7')).toBe('mb3x-7');
    expect(lastEventIdOf(request({ 'last-event-id': '<script>' }), undefined)).toBeUndefined();
  });
});
