import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { FEEDBACK_SINK, type FeedbackSink } from './feedback-sink.js';
import { FeedbackService } from './feedback.service.js';
import { FeedbackDatabase } from './feedback-database.js';
import { FeedbackStore } from './feedback.store.js';
import { VerdictLearning } from './learning/verdict-learning.service.js';
import { VerdictIntake } from './verdict-intake.js';

/** Verdicts stored durably, then delivered to the feedback sink chosen in outside-systems.ts. */
@Module({})
export class FeedbackModule {
  static forRoot(sink: Type<FeedbackSink>): DynamicModule {
    return {
      module: FeedbackModule,
      global: true,
      providers: [
        sink,
        { provide: FEEDBACK_SINK, useExisting: sink },
        FeedbackDatabase,
        FeedbackStore,
        FeedbackService,
        VerdictLearning,
        VerdictIntake,
      ],
      exports: [FeedbackService, VerdictLearning, VerdictIntake],
    };
  }
}
