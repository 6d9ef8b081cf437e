import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { Counters } from '../common/counters.js';
import { AssistPipeline } from '../pipeline/assist-pipeline.service.js';
import { type StreamState, StreamService } from '../stream/stream.service.js';

const STREAM_STATES: StreamState[] = ['idle', 'connecting', 'open', 'reconnecting', 'stopped'];

/** Gauges read from the services at scrape time: nothing to keep in step on the hot path. */
@Injectable()
export class OperationalGauges implements OnModuleInit {
  constructor(
    private readonly counters: Counters,
    private readonly stream: StreamService,
    private readonly auth: AuthService,
    private readonly pipeline: AssistPipeline,
  ) {}

  onModuleInit(): void {
    const { counters } = this;
    counters.registerGauge('stream_state', 'Stream socket state: 1 for the current state', ['state'], (set) => {
      const current = this.stream.status().state;
      for (const state of STREAM_STATES) set(state === current ? 1 : 0, { state });
    });
    counters.registerGauge('stream_state_seconds', 'Seconds since the stream entered its current state', [], (set) =>
      set((Date.now() - this.stream.status().since) / 1000),
    );
    counters.registerGauge('buffered_interactions', 'Interactions with a live utterance buffer', [], (set) =>
      set(this.pipeline.stats().interactions),
    );
    counters.registerGauge('searches_in_flight', 'Knowledge searches running now', [], (set) =>
      set(this.pipeline.stats().searchesInFlight),
    );
    counters.registerGauge('searches_queued', 'Knowledge searches waiting for a slot', [], (set) =>
      set(this.pipeline.stats().searchesQueued),
    );
    counters.registerGauge('feedback_pending', 'Verdicts stored and not yet delivered', [], (set) =>
      set(this.pipeline.stats().feedback.pending),
    );
    counters.registerGauge('feedback_oldest_pending_seconds', 'Age of the oldest undelivered verdict', [], (set) =>
      set(this.pipeline.stats().feedback.oldestPendingSeconds),
    );
    counters.registerGauge('feedback_dead_lettered', 'Verdicts held in the dead-letter table', [], (set) =>
      set(this.pipeline.stats().feedback.deadLetters),
    );
    counters.registerGauge('token_valid', '1 while a valid access token is held', [], (set) =>
      set(this.auth.status().valid ? 1 : 0),
    );
    counters.registerGauge('token_expires_in_seconds', 'Seconds until the held token expires', [], (set) =>
      set(this.auth.status().expiresInSeconds),
    );
  }
}
