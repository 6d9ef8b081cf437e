import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_SOURCE, type EventSource } from '../stream/event-source.js';

@Injectable()
export class StreamHealthIndicator {
  constructor(
    @Inject(EVENT_SOURCE) private readonly stream: EventSource,
    private readonly health: HealthIndicatorService,
  ) {}

  check() {
    const { session, details, open } = this.read();
    return open ? session.up(details) : session.down(details);
  }

  /** The stream's state without judging it (a standby's stream is idle by design). */
  details() {
    const { session, details } = this.read();
    return session.up(details);
  }

  private read() {
    const status = this.stream.status();
    const details = {
      state: status.state,
      since: new Date(status.since).toISOString(),
      reconnects: status.reconnects,
      lastMessageAt: status.lastMessageAt ? new Date(status.lastMessageAt).toISOString() : null,
      ...(status.lastCloseCode !== undefined ? { lastCloseCode: status.lastCloseCode } : {}),
      ...(status.lastError ? { lastError: status.lastError } : {}),
    };
    return { session: this.health.check('stream'), details, open: status.state === 'open' };
  }
}
