import { Module } from '@nestjs/common';
import { CommonModule } from './common/common.module.js';
import { AppConfigModule } from './config/config.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PipelineModule } from './pipeline/pipeline.module.js';
import { SandboxModule } from './sandbox/sandbox.module.js';

@Module({
  imports: [AppConfigModule, CommonModule, SandboxModule, PipelineModule, HealthModule, MetricsModule],
})
export class AppModule {}
