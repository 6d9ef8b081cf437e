import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { StreamLease } from '../cluster/stream-lease.js';
import { COORDINATION_STORE, type CoordinationStore } from '../cluster/coordination-store.js';
import { Counters } from '../common/counters.js';
import { VerdictLearning } from '../feedback/learning/verdict-learning.service.js';
import { AgentSessions } from '../panel/agent-sessions.js';
import { PanelHub } from '../panel/panel-hub.js';
import { AssistPipeline, type PipelineLoad } from '../pipeline/assist-pipeline.service.js';
import { EVENT_SOURCE, type EventSource } from '../stream/event-source.js';
import { STREAM_STATES } from './metric-catalog.js';

/** Gauges collected within this long of each other share one read of the pipeline (one scrape). */
const SCRAPE_WINDOW_MS = 250;

/** Gauges read from the services at scrape time: nothing to keep in step on the hot path. */
@Injectable()
export class OperationalGauges implements OnModuleInit {
  /** One read of the pipeline's load per scrape, however many gauges come from it. */
  private readonly scrape = {
    stats: (): PipelineLoad => {
      const now = Date.now();
      if (this.cached === undefined || now - this.cached.at > SCRAPE_WINDOW_MS) {
        this.cached = { at: now, load: this.pipeline.load() };
      }
      return this.cached.load;
    },
  };
  private cached?: { at: number; load: PipelineLoad };

  constructor(
    private readonly counters: Counters,
    @Inject(EVENT_SOURCE) private readonly stream: EventSource,
    private readonly auth: AuthService,
    private readonly pipeline: AssistPipeline,
    private readonly learning: VerdictLearning,
    @Optional() private readonly panels?: PanelHub,
    @Optional() private readonly sessions?: AgentSessions,
    @Optional() private readonly lease?: StreamLease,
    @Optional() @Inject(COORDINATION_STORE) private readonly coordination?: CoordinationStore,
  ) {}

  onModuleInit(): void {
    const { counters } = this;
    counters.registerGauge('stream_state', (set) => {
      const current = this.stream.status().state;
      for (const state of STREAM_STATES) set(state === current ? 1 : 0, { state });
    });
    counters.registerGauge('stream_state_seconds', (set) => set((Date.now() - this.stream.status().since) / 1000));
    const load = () => this.scrape.stats();
    counters.registerGauge('buffered_interactions', (set) => set(load().interactions));
    counters.registerGauge('searches_in_flight', (set) => set(load().searchesInFlight));
    counters.registerGauge('searches_queued', (set) => set(load().searchesQueued));
    counters.registerGauge('feedback_pending', (set) => set(load().feedback.pending));
    counters.registerGauge('feedback_oldest_pending_seconds', (set) => set(load().feedback.oldestPendingSeconds));
    counters.registerGauge('feedback_dead_lettered', (set) => set(load().feedback.deadLetters));
    counters.registerGauge('learned_cases', (set) => set(this.learning.size));
    // Present at 0 when the panel is off, like every documented series.
    counters.registerGauge('panel_open', (set) => set(this.panels?.panels ?? 0));
    counters.registerGauge('panel_sessions', (set) => set(this.sessions?.size ?? 0));
    counters.registerGauge('token_valid', (set) => set(this.auth.status().valid ? 1 : 0));
    counters.registerGauge('token_expires_in_seconds', (set) => set(this.auth.status().expiresInSeconds));
    // Cluster mode's; present at 0 in single-pod mode.
    counters.registerGauge('cluster_leader', (set) => set(this.lease?.role === 'leader' ? 1 : 0));
    counters.registerGauge('cluster_lease_age_seconds', (set) => set(this.lease?.heldForSeconds() ?? 0));
    counters.registerGauge('cluster_nats_connected', (set) => set(this.coordination?.connected() ? 1 : 0));
  }
}
