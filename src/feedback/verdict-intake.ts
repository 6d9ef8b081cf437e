import { Injectable } from '@nestjs/common';
import type { InsightVerdictEvent } from '../domain/events.js';
import { FeedbackService, type RecordOutcome } from './feedback.service.js';
import { VerdictLearning } from './learning/verdict-learning.service.js';

/**
 * The one way in for an agent's verdict, from the stream or from the agent panel: stored durably first
 * (idempotent: a double click or a redelivery is stored once), then learned from.
 */
@Injectable()
export class VerdictIntake {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly learning: VerdictLearning,
  ) {}

  take(verdict: InsightVerdictEvent): RecordOutcome {
    const outcome = this.feedback.record(verdict);
    this.learning.learn(verdict);
    return outcome;
  }

  /** Cluster mode: true once the cluster's queue holds this stored verdict, false after `withinMs`. */
  handedOff(verdict: InsightVerdictEvent, withinMs: number): Promise<boolean> {
    return this.feedback.handedOff(verdict, withinMs);
  }
}
