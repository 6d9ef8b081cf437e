import type { Observable } from 'rxjs';
import type { TrainingFeedback } from '../domain/training-feedback.js';

/** The outside system that learns from the agents' verdicts (the tutorial's training endpoint). */
export interface FeedbackSink {
  /** Completes once the verdict was taken; the same idempotency key on every redelivery of one verdict. */
  send(feedback: TrainingFeedback, idempotencyKey: string): Observable<void>;
  /** True when send() completes once a queue holds the verdict (cluster mode): its delivery is counted there. */
  readonly queues?: boolean;
}

export const FEEDBACK_SINK = Symbol('FEEDBACK_SINK');
