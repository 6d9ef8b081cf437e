import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { CommonModule } from './common/common.module.js';
import type { AppConfig } from './config/app-config.js';
import { AppConfigModule } from './config/config.module.js';
import { CxoneApiModule } from './cxone-api/cxone-api.module.js';
import { FeedbackModule } from './feedback/feedback.module.js';
import { HealthModule } from './health/health.module.js';
import { InsightsModule } from './insights/insights.module.js';
import { KnowledgeModule } from './knowledge/knowledge.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { outsideSystems } from './outside-systems.js';
import { PanelModule } from './panel/panel.module.js';
import { PipelineModule } from './pipeline/pipeline.module.js';
import { StreamModule } from './stream/stream.module.js';

/**
 * The service for one validated configuration. `extra` is what main.ts adds in sandbox mode (the sandbox
 * module, loaded only then: the production path never imports the simulator).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extra: DynamicModule[] = []): DynamicModule {
    const systems = outsideSystems(config);
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        CommonModule,
        AuthModule.forRoot(systems.tokenSource),
        CxoneApiModule,
        StreamModule.forRoot(systems.eventSource),
        KnowledgeModule.forRoot(systems.knowledgeSource),
        ...(config.cluster.enabled ? [ClusterModule] : []),
        InsightsModule.forRoot(systems.cardSinks),
        FeedbackModule.forRoot(systems.feedbackSink),
        PipelineModule,
        HealthModule,
        MetricsModule,
        ...(config.panel.enabled ? [PanelModule.forRoot(config.panel, config.cluster.enabled)] : []),
        ...extra,
      ],
    };
  }
}
