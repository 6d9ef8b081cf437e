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
    const status = this.stream.status();
    const details = {
      state: status.state,
      since: new Date(status.since).toISOString(),
      reconnects: status.reconnects,
      lastMessageAt: status.lastMessageAt ? new Date(status.lastMessageAt).toISOString() : null,
      ...(status.lastCloseCode !== undefined ? { lastCloseCode: status.lastCloseCode } : {}),
      ...(status.lastError ? { lastError: status.lastError } : {}),
    };
    const session = this.health.check('stream');
    return status.state === 'open' ? session.up(details) : session.down(details);
  }
}
