import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { OperationalGauges } from './operational-gauges.js';

/**
 * `GET /metrics` in Prometheus text: the process defaults (CPU, memory, event loop lag, GC) plus the
 * service's `agent_assist_*` series, all in prom-client's default registry (see Counters).
 */
/**
 * prom-client samples event loop delay every 10 ms by default: 100 wake-ups a second, about 1% of a core on
 * an idle pod. A stall longer than the period still shows in full (it delays the next sample).
 */
const EVENT_LOOP_SAMPLE_MS = 50;

@Module({
  imports: [
    PrometheusModule.register({
      path: '/metrics',
      defaultMetrics: { enabled: true, config: { eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS } },
    }),
    PipelineModule,
  ],
  providers: [OperationalGauges],
})
export class MetricsModule {}
