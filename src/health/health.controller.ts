import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { PipelineHealthIndicator } from './pipeline.health.js';
import { StreamHealthIndicator } from './stream.health.js';
import { TokenHealthIndicator } from './token.health.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly stream: StreamHealthIndicator,
    private readonly token: TokenHealthIndicator,
    private readonly pipeline: PipelineHealthIndicator,
  ) {}

  /**
   * Liveness never depends on CXone: a tenant outage must not make Kubernetes restart the pod. Only a
   * stopped assist pipeline, which no reconnect can mend, does.
   */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.pipeline.check()]);
  }

  /** Ready only while the stream socket is open and a valid token is held. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.stream.check(), () => this.token.check(), () => this.pipeline.details()]);
  }
}
