import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { catchError, defer, EMPTY, finalize, type Observable, tap } from 'rxjs';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { InsightVerdictEvent } from '../stream/stream-events.js';
import { TrainingAdapter } from './training.adapter.js';
import { idempotencyKey, toTrainingFeedback } from './training-feedback.js';

/**
 * Agent verdicts become training feedback, delivered with retries. None is dropped silently: a
 * duplicate, an overflow or a final failure is logged and counted.
 */
@Injectable()
export class FeedbackService {
  private readonly logger = new Logger(FeedbackService.name);
  private readonly pending = new Set<string>();
  private readonly maxPending: number;

  constructor(
    private readonly training: TrainingAdapter,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.maxPending = config.get('feedback', { infer: true }).maxPending;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  deliver(verdict: InsightVerdictEvent): Observable<void> {
    return defer(() => {
      const feedback = toTrainingFeedback(verdict);
      const key = idempotencyKey(feedback);
      const label = `${feedback.action} on insight ${feedback.insightId} (interaction ${feedback.interactionId})`;
      if (this.pending.has(key)) {
        this.counters.increment('feedback_duplicates');
        this.logger.warn(`Duplicate verdict ignored while the first is in delivery: ${label}`);
        return EMPTY;
      }
      if (this.pending.size >= this.maxPending) {
        this.counters.increment('feedback_dropped_overflow');
        this.logger.error(`Feedback backlog full (${this.maxPending}); verdict NOT delivered: ${label}`);
        return EMPTY;
      }
      this.pending.add(key);
      return this.training.send(feedback, key).pipe(
        tap(() => {
          this.counters.increment('feedback_delivered');
          this.logger.log(`Training feedback delivered: ${label}`);
        }),
        catchError((error: Error) => {
          this.counters.increment('feedback_undelivered');
          this.logger.error(`Training feedback NOT delivered: ${label}: ${error.message}`);
          return EMPTY;
        }),
        finalize(() => this.pending.delete(key)),
      );
    });
  }
}
