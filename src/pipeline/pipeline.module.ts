import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { BufferModule } from '../buffer/buffer.module.js';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { InsightsModule } from '../insights/insights.module.js';
import { KnowledgeModule } from '../knowledge/knowledge.module.js';
import { StreamModule } from '../stream/stream.module.js';
import type { AppConfig } from '../config/app-config.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { AssistPipeline } from './assist-pipeline.service.js';

@Module({
  imports: [
    StreamModule,
    BufferModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => config.get('buffer', { infer: true }),
    }),
    KnowledgeModule,
    InsightsModule,
    FeedbackModule,
  ],
  providers: [AssistPipeline, PrivacyService],
  exports: [AssistPipeline],
})
export class PipelineModule {}
