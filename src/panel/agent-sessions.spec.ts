import type { ConfigService } from '@nestjs/config';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { AgentSessions } from './agent-sessions.js';

const config = { get: () => ({ sessionTtlMs: 60_000 }) } as unknown as ConfigService<AppConfig, true>;
const agent = { agentId: '1001', name: 'Demo Agent', tenantId: 't-1' };

describe(AgentSessions.name, () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('finds the agent of a live session by its cookie value', () => {
    const sut = new AgentSessions(config);
    const { id } = sut.open(agent);
    expect(sut.find(id)).toMatchObject(agent);
  });

  it('forgets a session at its absolute expiry', () => {
    const sut = new AgentSessions(config);
    const { id } = sut.open(agent);
    vi.advanceTimersByTime(59_999);
    expect(sut.find(id)).toBeDefined();
    vi.advanceTimersByTime(1);
    expect(sut.find(id)).toBeUndefined();
  });

  it('refuses forged, malformed and closed sessions alike', () => {
    const sut = new AgentSessions(config);
    const { id } = sut.open(agent);
    expect(sut.find(`${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(sut.find('not-a-session')).toBeUndefined();
    expect(sut.find(undefined)).toBeUndefined();
    sut.close(id);
    expect(sut.find(id)).toBeUndefined();
  });

  it('does not keep the cookie value itself', () => {
    const sut = new AgentSessions(config);
    const { id } = sut.open(agent);
    const held = JSON.stringify([...(sut as unknown as { sessions: Map<string, unknown> }).sessions.keys()]);
    expect(held).not.toContain(id);
  });

  it('tells the watchers of a session when it is closed, and forgets a watcher that left', () => {
    const sut = new AgentSessions(config);
    const { id } = sut.open(agent);
    const ended: string[] = [];
    sut.watch(id, () => ended.push('stream 1'));
    const unwatch = sut.watch(id, () => ended.push('stream 2'));
    unwatch();
    sut.close(id);
    expect(ended).toEqual(['stream 1']);
    sut.close(id);
    expect(ended).toEqual(['stream 1']);
  });
});
