import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { LRUCache } from 'lru-cache';
import type { AppConfig } from '../config/app-config.js';
import { boundedLru } from '../common/bounded-lru.js';
import { keyDigest } from '../common/key-digest.js';

export interface SignedInAgent {
  agentId: string;
  name: string;
  tenantId: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'agent_panel_session';

/** A session opened (`session` set) or closed, as the other replicas receive it (cluster mode). */
export interface SessionChange {
  /** The hash of the cookie's id, never the id. */
  key: string;
  session?: SignedInAgent;
}
/** Sessions held at most; the oldest go first (their agents sign in again). */
const MAX_SESSIONS = 20_000;
/** 256 bits of randomness, base64url: what a session cookie must look like before it is looked up. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Server-side agent sessions: the cookie holds only a random id, and the map is keyed by its hash, so
 * neither a log line nor a heap dump of the map gives a usable cookie. Expiry is absolute (PANEL_SESSION_TTL_MS).
 */
@Injectable()
export class AgentSessions {
  private readonly ttlMs: number;
  private readonly sessions: LRUCache<string, SignedInAgent>;
  /** Per session, what to end when it is closed; an entry lives only while a stream of it is open. */
  private readonly watchers = new Map<string, Set<() => void>>();
  private replicate?: (change: SessionChange) => void;

  constructor(config: ConfigService<AppConfig, true>) {
    this.ttlMs = config.get('panel', { infer: true }).sessionTtlMs;
    this.sessions = boundedLru(MAX_SESSIONS);
  }

  get size(): number {
    return this.sessions.size;
  }

  get lifetimeMs(): number {
    return this.ttlMs;
  }

  /** Cluster mode: every session opened or closed here is handed to `replicate`, for the other replicas. */
  replicateTo(replicate: (change: SessionChange) => void): void {
    this.replicate = replicate;
  }

  /** A session another replica opened or closed. */
  applyReplicated({ key, session }: SessionChange): void {
    if (!session) return this.end(key);
    if (session.expiresAt > Date.now()) this.sessions.set(key, session);
  }

  /** Returns the cookie value of a new session. */
  open(agent: Omit<SignedInAgent, 'expiresAt'>): { id: string; session: SignedInAgent } {
    const id = randomBytes(32).toString('base64url');
    const session = { ...agent, expiresAt: Date.now() + this.ttlMs };
    const key = keyDigest(id);
    this.sessions.set(key, session);
    this.replicate?.({ key, session });
    return { id, session };
  }

  /** The agent of a live session, or undefined (unknown, forged, malformed or expired: all alike). */
  find(id: string | undefined): SignedInAgent | undefined {
    if (!id || !SESSION_ID.test(id)) return undefined;
    const key = keyDigest(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  close(id: string | undefined): void {
    if (!id || !SESSION_ID.test(id)) return;
    const key = keyDigest(id);
    this.end(key);
    this.replicate?.({ key });
  }

  private end(key: string): void {
    this.sessions.delete(key);
    const watchers = this.watchers.get(key);
    this.watchers.delete(key);
    for (const ended of watchers ?? []) ended();
  }

  /** Calls `ended` when the session is closed (sign-out): its open event streams end with it. */
  watch(id: string, ended: () => void): () => void {
    const key = keyDigest(id);
    let watchers = this.watchers.get(key);
    if (!watchers) this.watchers.set(key, (watchers = new Set()));
    watchers.add(ended);
    return () => {
      watchers.delete(ended);
      if (watchers.size === 0 && this.watchers.get(key) === watchers) this.watchers.delete(key);
    };
  }
}
