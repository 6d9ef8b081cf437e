import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PipelineModule } from '../pipeline/pipeline.module.js';
import { ClusterHealthIndicator } from './cluster.health.js';
import { HealthController } from './health.controller.js';
import { PipelineHealthIndicator } from './pipeline.health.js';
import { StreamHealthIndicator } from './stream.health.js';
import { TokenHealthIndicator } from './token.health.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }), PipelineModule],
  controllers: [HealthController],
  providers: [ClusterHealthIndicator, StreamHealthIndicator, TokenHealthIndicator, PipelineHealthIndicator],
})
export class HealthModule {}
