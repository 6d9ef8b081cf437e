import { Module } from '@nestjs/common';
import { BufferModule } from '../buffer/buffer.module.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { AssistPipeline } from './assist-pipeline.service.js';

/**
 * The assist loop. The outside systems' modules (stream, knowledge, insights, feedback) are global,
 * bound once in app.module.ts to what outside-systems.ts chose.
 */
@Module({
  imports: [BufferModule],
  providers: [AssistPipeline, PrivacyService],
  exports: [AssistPipeline],
})
export class PipelineModule {}
