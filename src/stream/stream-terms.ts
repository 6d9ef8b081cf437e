import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthService } from '../auth/auth.service.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { AgentAssistStreamSource } from './agent-assist-stream.source.js';
import type { EventSource } from './event-source.js';
import { WebSocketConnector } from './websocket-connector.js';

/** A fresh connection to the tenant stream for each term of leadership (cluster mode). */
@Injectable()
export class StreamTerms {
  constructor(
    private readonly connector: WebSocketConnector,
    private readonly auth: AuthService,
    private readonly counters: Counters,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /**
   * A standby holds a fresh token too: readiness says it can take over, and a takeover does not wait for a
   * token request. Once one is held, AuthService keeps it fresh (and retries on its own after a failure).
   */
  prepare(): void {
    this.auth.getToken().catch(() => undefined);
  }

  open(): EventSource {
    return new AgentAssistStreamSource(this.connector, this.auth, this.counters, this.config);
  }
}
