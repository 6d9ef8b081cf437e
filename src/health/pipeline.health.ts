import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AssistPipeline } from '../pipeline/assist-pipeline.service.js';

/** Liveness: the process can work only while its assist pipeline runs. */
@Injectable()
export class PipelineHealthIndicator {
  constructor(
    private readonly pipeline: AssistPipeline,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Readiness detail: load and counters. Never makes the pod unready by itself. */
  details() {
    return this.health.check('pipeline').up({ ...this.pipeline.stats() } as Record<string, unknown>);
  }

  check() {
    const session = this.health.check('pipeline');
    const failure = this.pipeline.failed;
    return failure === undefined ? session.up() : session.down({ reason: failure });
  }
}
