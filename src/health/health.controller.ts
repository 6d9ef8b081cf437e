import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ClusterHealthIndicator } from './cluster.health.js';
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
    private readonly cluster: ClusterHealthIndicator,
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

  /**
   * Ready only while the stream socket is open and a valid token is held. In cluster mode, a standby
   * (no stream by design) is ready while NATS is reachable: it serves panels and can take over.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    const token = () => this.token.check();
    const pipeline = () => this.pipeline.details();
    if (!this.cluster.enabled) return this.health.check([() => this.stream.check(), token, pipeline]);
    const stream = () => (this.cluster.isStandby() ? this.stream.details() : this.stream.check());
    return this.health.check([() => this.cluster.check(), stream, token, pipeline]);
  }
}
