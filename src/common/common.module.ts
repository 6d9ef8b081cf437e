import { Global, Module } from '@nestjs/common';
import { register } from 'prom-client';
import { Counters, METRICS_REGISTRY } from './counters.js';

@Global()
@Module({
  // The default registry is the one `GET /metrics` (PrometheusModule) exports.
  providers: [{ provide: METRICS_REGISTRY, useValue: register }, Counters],
  exports: [Counters],
})
export class CommonModule {}
