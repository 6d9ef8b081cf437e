import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  catchError,
  concatMap,
  debounceTime,
  EMPTY,
  filter,
  finalize,
  groupBy,
  ignoreElements,
  type GroupedObservable,
  map,
  merge,
  mergeMap,
  type Observable,
  race,
  share,
  type Subscription,
  switchMap,
  tap,
} from 'rxjs';
import { BufferService } from '../buffer/buffer.service.js';
import type { Utterance } from '../buffer/utterance.js';
import { ConcurrencyLimit } from '../common/concurrency-limit.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { AssistCard } from '../insights/card.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import { InsightsService } from '../insights/insights.service.js';
import { KnowledgeService } from '../knowledge/knowledge.service.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { StreamService } from '../stream/stream.service.js';
import type { InsightVerdictEvent, StreamEvent } from '../stream/stream-events.js';
import { withinCardDeadline } from './card-deadline.js';
import { InteractionEndSignals } from './interaction-end-signals.js';

/** An interaction with no utterance for this long is closed in the pipeline (its dedupe memory goes). */
const INTERACTION_IDLE_MS = 10 * 60 * 1000;

const isVerdict = (event: StreamEvent): event is InsightVerdictEvent =>
  event.type === 'INSIGHT_ACCEPTED' || event.type === 'INSIGHT_REJECTED';

/**
 * The whole assist loop, top to bottom:
 *   stream events ─┬─ fragments/dialog states ─▶ utterances (per interaction) ─▶ knowledge search
 *                  │                               (shared cap on searches in flight) ─▶ cards ─▶ push
 *                  └─ accept/reject verdicts ──▶ durable feedback store ──▶ training endpoint (retried)
 */
@Injectable()
export class AssistPipeline implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AssistPipeline.name);
  private readonly searchSlots: ConcurrencyLimit;
  private subscription?: Subscription;
  private drained?: Promise<void>;
  private failure?: string;
  private readonly cardDeadlineMs: number;

  constructor(
    private readonly stream: StreamService,
    private readonly buffer: BufferService,
    private readonly knowledge: KnowledgeService,
    private readonly insights: InsightsService,
    private readonly feedback: FeedbackService,
    private readonly privacy: PrivacyService,
    private readonly counters: Counters,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    this.searchSlots = new ConcurrencyLimit(knowledge.maxInFlight);
    this.cardDeadlineMs = config.get('assist', { infer: true }).cardDeadlineMs;
  }

  onApplicationBootstrap(): void {
    const events$ = this.stream.events$.pipe(share());
    // Subscribed before any group exists, so the buffer flushes an interaction's last utterance before
    // that interaction's group sees INTERACTION_ENDED and closes.
    const utterances$ = this.buffer.utterances(events$).pipe(
      // Personal data goes before any text leaves the service.
      map((utterance) => this.privacy.redact(utterance)),
    );
    const endSignals = new InteractionEndSignals();
    const assistCards$ = utterances$.pipe(
      groupBy((utterance) => utterance.interactionId, {
        duration: (interaction$) => closeWhenInteractionIsOver(interaction$, endSignals),
      }),
      mergeMap((interaction$) =>
        interaction$.pipe(
          filter((utterance) => this.countUtterance(utterance)),
          // A newer utterance cancels an older one still searching: stale cards never win...
          switchMap((utterance) => this.searchCards(utterance)),
          // ...and a push, once started, finishes, in order, so nothing lands twice or out of order.
          concatMap(({ utterance, cards }) => this.push(utterance, cards)),
          finalize(() => this.insights.forget(interaction$.key)),
        ),
      ),
    );
    // Verdicts are stored durably at once; the feedback service delivers them from the store.
    // Subscribed after the buffer (merge order below): an interaction's last utterance is out first.
    const interactionEnds$ = events$.pipe(tap(endSignals.onEvent), ignoreElements());
    const trainingFeedback$ = events$.pipe(
      filter(isVerdict),
      tap((verdict) => this.feedback.record(verdict)),
    );
    this.drained = new Promise<void>((resolve) => {
      this.subscription = merge(assistCards$, interactionEnds$, trainingFeedback$).subscribe({
        complete: resolve,
        error: (error: Error) => {
          // Every step catches its own failures; reaching here is a bug. Liveness reports it so the
          // orchestrator restarts the pod instead of leaving it connected but deaf.
          this.failure = error.message;
          this.counters.increment('pipeline_failures');
          this.logger.error(`Assist pipeline stopped: ${error.message}`);
          resolve();
        },
      });
    });
    this.stream.start();
  }

  /** What the pipeline holds and has done, for the readiness details (information, not a verdict). */
  stats() {
    const buffer = this.buffer.stats();
    return {
      interactions: buffer.interactions,
      bufferedChars: buffer.bufferedChars,
      evictedInteractions: buffer.evicted,
      utterances: buffer.flushed,
      searchesInFlight: this.searchSlots.inFlight,
      searchesQueued: this.searchSlots.queued,
      feedback: this.feedback.stats(),
      counters: this.counters.snapshot(),
    };
  }

  /** Undefined while the pipeline runs; why it stopped otherwise. */
  get failed(): string | undefined {
    return this.failure;
  }

  /** Counts every utterance by flush reason; true when it should be searched. */
  private countUtterance(utterance: Utterance): boolean {
    this.counters.increment(`utterances{reason="${utterance.reason}"}`);
    const searchable = this.knowledge.isSearchable(utterance);
    if (!searchable) this.counters.increment('utterances_not_searched{cause="speaker"}');
    return searchable;
  }

  /** One utterance: search with a shared cap on searches in flight, then format its cards. */
  private searchCards(utterance: Utterance): Observable<{ utterance: Utterance; cards: AssistCard[] }> {
    return this.searchSlots.run(this.knowledge.search(utterance)).pipe(
      map((entities) => ({ utterance, cards: this.insights.toCards(utterance, entities) })),
      filter(({ cards }) => cards.length > 0),
      withinCardDeadline(utterance, this.cardDeadlineMs, () => this.dropLate(utterance, 'searching')),
      catchError((error: Error) => this.skip(utterance, error)),
    );
  }

  private push(utterance: Utterance, cards: AssistCard[]): Observable<void> {
    return this.insights.push(utterance, cards).pipe(
      withinCardDeadline(utterance, this.cardDeadlineMs, () => this.dropLate(utterance, 'pushing')),
      catchError((error: Error) => this.skip(utterance, error)),
    );
  }

  private dropLate(utterance: Utterance, step: 'searching' | 'pushing'): void {
    this.counters.increment(`cards_dropped_late{step="${step}"}`);
    this.logger.warn({
      msg:
        `Cards for interaction ${utterance.interactionId} (utterance ${utterance.seq}) dropped: ` +
        `still ${step} ${this.cardDeadlineMs} ms after the flush, too late to help`,
      interactionId: utterance.interactionId,
      utteranceSeq: utterance.seq,
      step,
    });
  }

  private skip(utterance: Utterance, error: Error): Observable<never> {
    this.counters.increment('assist_failures');
    this.logger.warn({
      msg: `No cards for interaction ${utterance.interactionId} (utterance ${utterance.seq}): ${error.message}`,
      interactionId: utterance.interactionId,
      utteranceSeq: utterance.seq,
    });
    return EMPTY;
  }

  /** SIGTERM: stop reading (readiness turns 503), flush buffers, let pushes finish within the bound. */
  async beforeApplicationShutdown(): Promise<void> {
    const drainMs = this.config.get('app', { infer: true }).shutdownDrainMs;
    this.logger.log(`Shutting down: stream stopped, draining up to ${drainMs} ms`);
    this.stream.stop();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), drainMs)));
    const finished = await Promise.race([this.drained?.then(() => false) ?? Promise.resolve(false), timedOut]);
    clearTimeout(timer);
    if (finished) this.logger.warn(`Drain bound of ${drainMs} ms reached; abandoning work still in flight`);
    this.subscription?.unsubscribe();
  }
}

function closeWhenInteractionIsOver(
  interaction$: GroupedObservable<string, Utterance>,
  endSignals: InteractionEndSignals,
): Observable<unknown> {
  // The buffer flushes the last utterance while it handles INTERACTION_ENDED, before a group born of
  // that utterance can hear the event: the utterance's own reason closes such a group.
  const lastUtterance$ = interaction$.pipe(filter((utterance) => utterance.reason === 'interaction-ended'));
  return race(endSignals.endOf(interaction$.key), lastUtterance$, interaction$.pipe(debounceTime(INTERACTION_IDLE_MS)));
}
