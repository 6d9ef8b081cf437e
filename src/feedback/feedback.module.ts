import { Module } from '@nestjs/common';
import { CxoneApiModule } from '../cxone-api/cxone-api.module.js';
import { FeedbackService } from './feedback.service.js';
import { TrainingAdapter } from './training.adapter.js';

@Module({
  imports: [CxoneApiModule],
  providers: [TrainingAdapter, FeedbackService],
  exports: [FeedbackService],
})
export class FeedbackModule {}
