import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  catchError,
  debounceTime,
  EMPTY,
  filter,
  finalize,
  groupBy,
  map,
  merge,
  mergeMap,
  type Observable,
  race,
  share,
  type Subscription,
  switchMap,
} from 'rxjs';
import { BufferService } from '../buffer/buffer.service.js';
import type { Utterance } from '../buffer/utterance.js';
import { ConcurrencyLimit } from '../common/concurrency-limit.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import { InsightsService } from '../insights/insights.service.js';
import { KnowledgeService } from '../knowledge/knowledge.service.js';
import { StreamService } from '../stream/stream.service.js';
import type { InsightVerdictEvent, StreamEvent } from '../stream/stream-events.js';

/** An interaction with no utterance for this long is closed in the pipeline (its dedupe memory goes). */
const INTERACTION_IDLE_MS = 10 * 60 * 1000;
const FEEDBACK_IN_FLIGHT = 8;

const isVerdict = (event: StreamEvent): event is InsightVerdictEvent =>
  event.type === 'INSIGHT_ACCEPTED' || event.type === 'INSIGHT_REJECTED';

/**
 * The whole assist loop, top to bottom:
 *   stream events ─┬─ fragments/dialog states ─▶ utterances (per interaction) ─▶ knowledge search
 *                  │                               (shared cap on searches in flight) ─▶ cards ─▶ push
 *                  └─ accept/reject verdicts ──▶ training feedback (retried, never silently dropped)
 */
@Injectable()
export class AssistPipeline implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AssistPipeline.name);
  private readonly searchSlots: ConcurrencyLimit;
  private subscription?: Subscription;
  private drained?: Promise<void>;

  constructor(
    private readonly stream: StreamService,
    private readonly buffer: BufferService,
    private readonly knowledge: KnowledgeService,
    private readonly insights: InsightsService,
    private readonly feedback: FeedbackService,
    private readonly counters: Counters,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    this.searchSlots = new ConcurrencyLimit(knowledge.maxInFlight);
  }

  onApplicationBootstrap(): void {
    const events$ = this.stream.events$.pipe(share());
    const assistCards$ = this.buffer.utterances(events$).pipe(
      filter((utterance) => this.countUtterance(utterance)),
      groupBy((utterance) => utterance.interactionId, { duration: closeWhenInteractionIsOver }),
      mergeMap((interaction$) =>
        interaction$.pipe(
          // A newer utterance supersedes an older one still searching: stale cards never win.
          switchMap((utterance) => this.assist(utterance)),
          finalize(() => this.insights.forget(interaction$.key)),
        ),
      ),
    );
    const trainingFeedback$ = events$.pipe(
      filter(isVerdict),
      mergeMap((verdict) => this.feedback.deliver(verdict), FEEDBACK_IN_FLIGHT),
    );
    this.drained = new Promise<void>((resolve) => {
      this.subscription = merge(assistCards$, trainingFeedback$).subscribe({
        complete: resolve,
        error: () => resolve(),
      });
    });
    this.stream.start();
  }

  /** Counts every utterance by flush reason; true when it should be searched. */
  private countUtterance(utterance: Utterance): boolean {
    this.counters.increment(`utterances{reason="${utterance.reason}"}`);
    const searchable = this.knowledge.isSearchable(utterance);
    if (!searchable) this.counters.increment('utterances_not_searched{cause="speaker"}');
    return searchable;
  }

  /** One utterance: search with a shared cap on searches in flight, format cards, push them. */
  private assist(utterance: Utterance): Observable<void> {
    return this.searchSlots.run(this.knowledge.search(utterance)).pipe(
      map((entities) => this.insights.toCards(utterance, entities)),
      filter((cards) => cards.length > 0),
      switchMap((cards) => this.insights.push(utterance, cards)),
      catchError((error: Error) => {
        this.counters.increment('assist_failures');
        this.logger.warn(
          `No cards for interaction ${utterance.interactionId} (utterance ${utterance.seq}): ${error.message}`,
        );
        return EMPTY;
      }),
    );
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

function closeWhenInteractionIsOver(interaction$: Observable<Utterance>): Observable<unknown> {
  return race(
    interaction$.pipe(filter((utterance) => utterance.reason === 'interaction-ended')),
    interaction$.pipe(debounceTime(INTERACTION_IDLE_MS)),
  );
}
