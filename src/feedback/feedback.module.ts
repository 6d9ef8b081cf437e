import { Module } from '@nestjs/common';
import { CxoneApiModule } from '../cxone-api/cxone-api.module.js';
import { FeedbackService } from './feedback.service.js';
import { FeedbackStore } from './feedback.store.js';
import { TrainingAdapter } from './training.adapter.js';

@Module({
  imports: [CxoneApiModule],
  providers: [FeedbackStore, TrainingAdapter, FeedbackService],
  exports: [FeedbackService],
})
export class FeedbackModule {}
