import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { StreamHealthIndicator } from './stream.health.js';
import { TokenHealthIndicator } from './token.health.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly stream: StreamHealthIndicator,
    private readonly token: TokenHealthIndicator,
  ) {}

  /** Liveness never depends on CXone: a tenant outage must not make Kubernetes restart the pod. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Ready only while the stream socket is open and a valid token is held. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.stream.check(), () => this.token.check()]);
  }
}
