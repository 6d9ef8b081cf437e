import type { ConfigService } from '@nestjs/config';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { AgentSessions, type SessionChange } from './agent-sessions.js';

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

  it('shares sessions between replicas by the hash of the cookie: opened on one, found and closed on another', () => {
    const replicaA = new AgentSessions(config);
    const replicaB = new AgentSessions(config);
    const changes: SessionChange[] = [];
    replicaA.replicateTo((change) => changes.push(change));
    replicaB.replicateTo((change) => changes.push(change));

    const { id } = replicaA.open(agent);
    expect(changes[0]!.key).not.toContain(id); // the cookie itself never leaves the replica
    replicaB.applyReplicated(changes[0]!);
    expect(replicaB.find(id)).toMatchObject(agent);

    const ended = vi.fn();
    replicaA.watch(id, ended);
    replicaB.close(id);
    replicaA.applyReplicated(changes[1]!);
    expect(replicaA.find(id)).toBeUndefined();
    expect(ended).toHaveBeenCalledTimes(1); // its open panels close on replica A too
  });

  it('ignores a shared session that has already expired', () => {
    const sut = new AgentSessions(config);
    sut.applyReplicated({ key: 'k', session: { ...agent, expiresAt: Date.now() - 1 } });
    expect(sut.size).toBe(0);
  });
});
