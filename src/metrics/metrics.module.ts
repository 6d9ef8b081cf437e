import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { OperationalGauges } from './operational-gauges.js';

/**
 * `GET /metrics` in Prometheus text: the process defaults (CPU, memory, event loop lag, GC) plus the
 * service's `agent_assist_*` series, all in prom-client's default registry (see Counters).
 */
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } }), PipelineModule],
  providers: [OperationalGauges],
})
export class MetricsModule {}
