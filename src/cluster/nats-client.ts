import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { jetstream, type JetStreamClient, type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AppConfig } from '../config/app-config.js';
import type { ClusterConfig } from '../config/cluster-config.js';
import { ClusterErrorCode, ClusterException } from './cluster.exception.js';

/** JetStream requests must answer well within a lease renewal period. */
const MAX_REQUEST_MS = 2000;

export interface Jet {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kvm: Kvm;
  name: string;
}

/**
 * The one connection to NATS of a replica in cluster mode. Connects in the background and reconnects for
 * ever: a replica without NATS is up but not ready, and never pushes. Work under way (`track`) is let
 * finish at shutdown before the connection drains: the lease hand-over is such work.
 */
@Injectable()
export class NatsClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(NatsClient.name);
  private readonly settings: ClusterConfig;
  private readonly inFlight = new Set<Promise<unknown>>();
  private connection?: NatsConnection;
  private jet?: Promise<Jet>;
  private isConnected = false;
  private closing = false;

  constructor(config: ConfigService<AppConfig, true>) {
    this.settings = config.get('cluster', { infer: true });
  }

  onModuleInit(): void {
    this.jet = this.open();
    // Never an unhandled rejection: every caller awaits the same promise and reports its own failure.
    this.jet.catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    await this.connection?.drain().catch(() => undefined);
  }

  get closingDown(): boolean {
    return this.closing;
  }

  connected(): boolean {
    return this.isConnected;
  }

  /** JetStream, once connected; a StoreFailed while NATS is unreachable. */
  async ready(): Promise<Jet> {
    if (!this.jet || !this.isConnected)
      throw new ClusterException(ClusterErrorCode.StoreFailed, 'not connected to NATS');
    return this.jet;
  }

  /** Waits for the first connection (for long-running consumers); rejects only if it can never come. */
  firstConnection(): Promise<Jet> {
    return this.jet ?? Promise.reject(new ClusterException(ClusterErrorCode.StoreFailed, 'NATS not configured'));
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async open(): Promise<Jet> {
    const connection = await connect({
      servers: this.settings.servers,
      name: `agent-assist ${hostname()}`,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: MAX_REQUEST_MS,
    });
    this.connection = connection;
    this.isConnected = true;
    void this.followStatus(connection);
    const js = jetstream(connection, { timeout: MAX_REQUEST_MS });
    const jsm = await jetstreamManager(connection, { timeout: MAX_REQUEST_MS });
    this.logger.log(`Connected to NATS (${this.settings.servers.length} server(s)); cluster "${this.settings.name}"`);
    return { nc: connection, js, jsm, kvm: new Kvm(js), name: this.settings.name };
  }

  private async followStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.isConnected = false;
        if (!this.closing) this.logger.warn('Lost the connection to NATS: not ready, reconnecting');
      } else if (status.type === 'reconnect') {
        this.isConnected = true;
        this.logger.log('Reconnected to NATS');
      }
    }
    this.isConnected = false;
  }
}

/** NATS errors name the operation, never the server URL (which may carry credentials). */
export function describeNatsError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\b(nats|tls|wss?):\/\/\S+/gi, '$1://…');
}

/** A conditional write that lost its race: the key's revision moved on (JetStream's wrong-last-sequence). */
export function isRevisionConflict(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 10071 || code === 10164 || (typeof message === 'string' && /wrong last sequence/i.test(message));
}
