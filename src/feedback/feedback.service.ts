import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { lastValueFrom } from 'rxjs';
import { backoffDelay } from '../common/backoff.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { CxoneApiErrorCode, CxoneApiException } from '../cxone-api/cxone-api.exception.js';
import type { InsightVerdictEvent } from '../domain/events.js';
import { FeedbackStore, type FeedbackStoreStats, type PendingFeedback } from './feedback.store.js';
import { FEEDBACK_SINK, type FeedbackSink } from './feedback-sink.js';
import { idempotencyKey, toTrainingFeedback } from './training-feedback.js';

/** Verdicts delivered at once; the training endpoint is not latency-critical. */
const DELIVERY_BATCH = 8;
/** Between delivery rounds of one verdict; a training endpoint down for hours is retried every 5 minutes. */
export const REDELIVERY_BACKOFF = { initialMs: 1000, maxMs: 5 * 60 * 1000 };
/** Refusals no retry can mend: the verdict goes to the dead-letter table. */
export const PERMANENT_REFUSALS = new Set([
  CxoneApiErrorCode.Rejected,
  CxoneApiErrorCode.Forbidden,
  CxoneApiErrorCode.Unauthorized,
]);

export interface FeedbackStats extends FeedbackStoreStats {
  delivering: number;
}

/**
 * Agent verdicts become training feedback, losing none: each is written to the durable store before
 * anything else, delivered from there with retries and backoff, and removed only once CXone took it.
 * Pending verdicts are delivered again after a restart, with the same Idempotency-Key.
 */
/** What became of a verdict: stored now, stored before (a repeat), or not stored (backlog full, store down). */
export type RecordOutcome = 'stored' | 'duplicate' | 'refused';

@Injectable()
export class FeedbackService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedbackService.name);
  private readonly maxPending: number;
  private readonly shutdownDrainMs: number;
  private readonly inDelivery = new Set<string>();
  /** Callers waiting for a verdict to reach the queue (cluster mode); one per panel request in flight. */
  private readonly handOffWaiters = new Map<string, Set<() => void>>();
  private round?: Promise<void>;
  private roundRequested = false;
  private wakeTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly store: FeedbackStore,
    @Inject(FEEDBACK_SINK) private readonly training: FeedbackSink,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.maxPending = config.get('feedback', { infer: true }).maxPending;
    this.shutdownDrainMs = config.get('app', { infer: true }).shutdownDrainMs;
  }

  onApplicationBootstrap(): void {
    const { pending } = this.store.stats();
    if (pending > 0) {
      this.logger.log(`${pending} verdict(s) pending from before the restart: delivering`);
      this.store.makeAllDue();
    }
    this.deliverDue();
  }

  /** Stores the verdict durably (once, however often it arrives), then starts its delivery. */
  record(verdict: InsightVerdictEvent): RecordOutcome {
    const feedback = toTrainingFeedback(verdict);
    const key = idempotencyKey(feedback);
    const label = describeVerdict(feedback);
    if (this.store.stats().pending >= this.maxPending) {
      this.counters.count('feedback_refused_backlog_full');
      this.logger.error({
        msg: `Feedback backlog full (${this.maxPending} pending); verdict NOT stored: ${label}`,
        ...aboutVerdict(feedback),
      });
      return 'refused';
    }
    let stored: boolean;
    try {
      stored = this.store.add(key, feedback);
    } catch (error) {
      this.counters.count('feedback_store_failures');
      this.logger.error({
        msg: `Feedback store write failed; verdict NOT stored: ${label}: ${(error as Error).message}`,
        ...aboutVerdict(feedback),
      });
      return 'refused';
    }
    if (!stored) {
      this.counters.count('feedback_duplicates');
      this.logger.warn({ msg: `Duplicate verdict ignored (already stored): ${label}`, ...aboutVerdict(feedback) });
      return 'duplicate';
    }
    this.counters.count('feedback_stored');
    this.deliverDue();
    return 'stored';
  }

  /**
   * Cluster mode: resolves true once the queue holds this verdict (it left the local store), false after
   * `withinMs` (it stays stored and is offered again). Single-pod mode: true at once, the store is the
   * durable place.
   */
  handedOff(verdict: InsightVerdictEvent, withinMs: number): Promise<boolean> {
    const key = idempotencyKey(toTrainingFeedback(verdict));
    if (!this.training.queues || !this.store.isPending(key)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiters = this.handOffWaiters.get(key) ?? new Set<() => void>();
      this.handOffWaiters.set(key, waiters);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        if (waiters.size === 0) this.handOffWaiters.delete(key);
        resolve(false);
      }, withinMs);
      waiters.add(done);
    });
  }

  stats(): FeedbackStats {
    return { ...this.store.stats(), delivering: this.inDelivery.size };
  }

  /** Stops delivering; what is pending stays in the store for the next start. */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.shutdownDrainMs)));
    await Promise.race([this.round, bound]);
    clearTimeout(timer);
  }

  /** Runs a delivery round now, or right after the one in progress. */
  private deliverDue(): void {
    if (this.stopped) return;
    if (this.round) {
      this.roundRequested = true;
      return;
    }
    clearTimeout(this.wakeTimer);
    this.round = this.deliverRounds().finally(() => {
      this.round = undefined;
      this.scheduleWake();
    });
  }

  private async deliverRounds(): Promise<void> {
    do {
      this.roundRequested = false;
      const due = this.store.due(DELIVERY_BATCH).filter((entry) => !this.inDelivery.has(entry.key));
      await Promise.all(due.map((entry) => this.deliver(entry)));
      if (due.length === DELIVERY_BATCH) this.roundRequested = true;
    } while (this.roundRequested && !this.stopped);
  }

  private async deliver(entry: PendingFeedback): Promise<void> {
    const label = describeVerdict(entry.feedback);
    const attempts = entry.attempts + 1;
    this.inDelivery.add(entry.key);
    try {
      await lastValueFrom(this.training.send(entry.feedback, entry.key), { defaultValue: undefined });
      this.store.markDelivered(entry.key);
      this.handedOver(entry.key);
      if (this.training.queues) {
        this.counters.count('feedback_queued');
        this.logger.log({ msg: `Training feedback queued for the cluster: ${label}`, ...aboutVerdict(entry.feedback) });
      } else {
        this.counters.count('feedback_delivered');
        this.logger.log({ msg: `Training feedback delivered: ${label}`, ...aboutVerdict(entry.feedback) });
      }
    } catch (error) {
      const failure = error as Error;
      if (failure instanceof CxoneApiException && PERMANENT_REFUSALS.has(failure.code)) {
        this.store.deadLetter(entry.key, attempts, failure.message);
        this.handedOver(entry.key);
        this.counters.count('feedback_dead_letters');
        this.logger.error({
          msg: `Training feedback refused for good, moved to dead letters: ${label}: ${failure.message}`,
          ...aboutVerdict(entry.feedback),
        });
      } else {
        const retryAfterMs = failure instanceof CxoneApiException ? (failure.retryAfterMs ?? 0) : 0;
        const delay = Math.max(backoffDelay(attempts, REDELIVERY_BACKOFF), retryAfterMs);
        this.store.reschedule(entry.key, attempts, Date.now() + delay, failure.message);
        this.counters.count('feedback_redeliveries');
        this.logger.warn({
          msg:
            `Training feedback not delivered in delivery round ${attempts} (${failure.message}); ` +
            `stored, next round in ${delay} ms: ${label}`,
          ...aboutVerdict(entry.feedback),
        });
      }
    } finally {
      this.inDelivery.delete(entry.key);
    }
  }

  private handedOver(key: string): void {
    const waiters = this.handOffWaiters.get(key);
    if (!waiters) return;
    this.handOffWaiters.delete(key);
    for (const done of waiters) done();
  }

  private scheduleWake(): void {
    if (this.stopped) return;
    const next = this.store.nextDueAt();
    if (next === undefined) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.deliverDue(), Math.max(next - Date.now(), 0));
    this.wakeTimer.unref();
  }
}

/** Log fields of a verdict: every line about a conversation carries its interactionId. */
function aboutVerdict(feedback: { action: string; insightId: string; interactionId: string }) {
  return { interactionId: feedback.interactionId, insightId: feedback.insightId, action: feedback.action };
}

function describeVerdict(feedback: { action: string; insightId: string; interactionId: string }): string {
  return `${feedback.action} on insight ${feedback.insightId} (interaction ${feedback.interactionId})`;
}
