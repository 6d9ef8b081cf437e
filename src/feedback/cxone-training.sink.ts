import { Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { CxoneApiClient } from '../cxone-api/cxone-api.client.js';
import type { TrainingFeedback } from '../domain/training-feedback.js';
import type { FeedbackSink } from './feedback-sink.js';

/** Attempts per delivery round; the feedback store schedules the next round, with a longer backoff. */
const DELIVERY_ATTEMPTS = 3;

/** The tutorial's AI training feedback API (`POST /api/v2/ai/training/feedback`), and nothing else. */
@Injectable()
export class CxoneTrainingSink implements FeedbackSink {
  constructor(private readonly api: CxoneApiClient) {}

  send(feedback: TrainingFeedback, idempotencyKey: string): Observable<void> {
    return this.api
      .call<unknown>({
        operation: 'training-feedback',
        method: 'POST',
        path: '/api/v2/ai/training/feedback',
        body: feedback,
        headers: { 'Idempotency-Key': idempotencyKey },
        scope: 'ai:training:write',
        maxAttempts: DELIVERY_ATTEMPTS,
      })
      .pipe(map(() => undefined));
  }
}
