import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { Counters } from '../common/counters.js';
import { AssistPipeline } from '../pipeline/assist-pipeline.service.js';
import { EVENT_SOURCE, type EventSource } from '../stream/event-source.js';
import { STREAM_STATES } from './metric-catalog.js';

/** Gauges read from the services at scrape time: nothing to keep in step on the hot path. */
@Injectable()
export class OperationalGauges implements OnModuleInit {
  constructor(
    private readonly counters: Counters,
    @Inject(EVENT_SOURCE) private readonly stream: EventSource,
    private readonly auth: AuthService,
    private readonly pipeline: AssistPipeline,
  ) {}

  onModuleInit(): void {
    const { counters } = this;
    counters.registerGauge('stream_state', (set) => {
      const current = this.stream.status().state;
      for (const state of STREAM_STATES) set(state === current ? 1 : 0, { state });
    });
    counters.registerGauge('stream_state_seconds', (set) => set((Date.now() - this.stream.status().since) / 1000));
    counters.registerGauge('buffered_interactions', (set) => set(this.pipeline.stats().interactions));
    counters.registerGauge('searches_in_flight', (set) => set(this.pipeline.stats().searchesInFlight));
    counters.registerGauge('searches_queued', (set) => set(this.pipeline.stats().searchesQueued));
    counters.registerGauge('feedback_pending', (set) => set(this.pipeline.stats().feedback.pending));
    counters.registerGauge('feedback_oldest_pending_seconds', (set) =>
      set(this.pipeline.stats().feedback.oldestPendingSeconds),
    );
    counters.registerGauge('feedback_dead_lettered', (set) => set(this.pipeline.stats().feedback.deadLetters));
    counters.registerGauge('token_valid', (set) => set(this.auth.status().valid ? 1 : 0));
    counters.registerGauge('token_expires_in_seconds', (set) => set(this.auth.status().expiresInSeconds));
  }
}
