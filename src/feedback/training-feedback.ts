import { createHash } from 'node:crypto';
import type { InsightVerdictEvent } from '../domain/events.js';

export type { TrainingFeedback } from '../domain/training-feedback.js';
import type { TrainingFeedback } from '../domain/training-feedback.js';

export function toTrainingFeedback(verdict: InsightVerdictEvent, now = new Date()): TrainingFeedback {
  return {
    interactionId: verdict.interactionId,
    insightId: verdict.insightId,
    action: verdict.type === 'INSIGHT_ACCEPTED' ? 'ACCEPTED' : 'REJECTED',
    timestamp: now.toISOString(),
  };
}

/** Stable across redeliveries and restarts: one verdict on one card of one interaction. */
export function idempotencyKey(feedback: Pick<TrainingFeedback, 'interactionId' | 'insightId' | 'action'>): string {
  return createHash('sha256')
    .update(`${feedback.interactionId}\u0000${feedback.insightId}\u0000${feedback.action}`)
    .digest('hex')
    .slice(0, 32);
}
