import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  catchError,
  defer,
  EMPTY,
  filter,
  ignoreElements,
  map,
  merge,
  type Observable,
  share,
  type Subscription,
  tap,
} from 'rxjs';
import { BufferService } from '../buffer/buffer.service.js';
import type { Utterance } from '../domain/utterance.js';
import { DeadlineQueue, type ShedCause } from '../common/deadline-queue.js';
import { inOrderPerKey, supersedePerKey } from '../common/keyed-operators.js';
import { SummarizedLog } from '../common/summarized-log.js';
import { inTimeSlices, TimeSlicedQueue } from '../common/time-sliced-queue.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { AssistCard } from '../domain/card.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import { InsightsService } from '../insights/insights.service.js';
import { KnowledgeService, type SearchPlan } from '../knowledge/knowledge.service.js';
import type { QueryPlan } from '../knowledge/query/query-planner.js';
import { VerdictLearning } from '../feedback/learning/verdict-learning.service.js';
import { VerdictIntake } from '../feedback/verdict-intake.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { EVENT_SOURCE, type EventSource } from '../stream/event-source.js';
import type { InsightVerdictEvent, StreamEvent } from '../domain/events.js';
import { withinCardDeadline } from './card-deadline.js';

/**
 * Search replies arrive in bursts (dozens read in one turn of the event loop under load): what follows
 * them (cards, the push) runs in slices, so health probes and the stream are never kept waiting long.
 */
const REPLY_SLICE = { sliceMs: 2, maxQueued: Number.MAX_SAFE_INTEGER };

export interface PipelineLoad {
  interactions: number;
  bufferedChars: number;
  evictedInteractions: number;
  utterances: ReturnType<BufferService['stats']>['flushed'];
  searchesInFlight: number;
  searchesQueued: number;
  feedback: ReturnType<FeedbackService['stats']>;
}

const isVerdict = (event: StreamEvent): event is InsightVerdictEvent =>
  event.type === 'INSIGHT_ACCEPTED' || event.type === 'INSIGHT_REJECTED';

/**
 * The whole assist loop, top to bottom:
 *   stream events ─┬─ fragments/dialog states ─▶ utterances (per interaction) ─▶ what to ask (nothing for
 *                  │      small talk; a vague turn with the call's topic) ─▶ knowledge search (shared cap on
 *                  │      searches in flight; a bounded line that sheds what would miss its card deadline)
 *                  │      ─▶ ranked by learned verdicts ─▶ strong cards only ─▶ push
 *                  ├─ interaction ended ─▶ its per-call memory goes
 *                  └─ accept/reject verdicts ─┬▶ durable feedback store ──▶ training endpoint (retried)
 *                                             └▶ learned ranking (same store)
 * Per-call state lives only while a call has work in flight: thousands of calls that never end cost
 * their buffers and nothing more.
 */
@Injectable()
export class AssistPipeline implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AssistPipeline.name);
  private readonly searchQueue: DeadlineQueue;
  private readonly overload = new SummarizedLog(this.logger);
  private readonly replies = new TimeSlicedQueue<() => void>((task) => task(), REPLY_SLICE);
  private subscription?: Subscription;
  private drained?: Promise<void>;
  private failure?: string;
  private readonly cardDeadlineMs: number;

  constructor(
    @Inject(EVENT_SOURCE) private readonly stream: EventSource,
    private readonly buffer: BufferService,
    private readonly knowledge: KnowledgeService,
    private readonly insights: InsightsService,
    private readonly feedback: FeedbackService,
    private readonly learning: VerdictLearning,
    private readonly verdicts: VerdictIntake,
    private readonly privacy: PrivacyService,
    private readonly counters: Counters,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    this.searchQueue = new DeadlineQueue({ maxInFlight: knowledge.maxInFlight, maxQueued: knowledge.maxQueued });
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
    const assistCards$ = utterances$.pipe(
      filter((utterance) => this.countUtterance(utterance)),
      // What to ask, in the call's context; nothing when nothing was asked (thanks, greetings, "one moment").
      map((utterance) => ({ utterance, plan: this.knowledge.plan(utterance) })),
      filter((query): query is Query => this.worthSearching(query)),
      // A newer utterance of a call cancels its older one still waiting or searching: stale cards never win...
      supersedePerKey(
        ({ utterance }) => utterance.interactionId,
        (query) => this.searchCards(query),
      ),
      // ...and a push, once started, finishes, in order within the call, so nothing lands twice or out of order.
      inOrderPerKey(
        ({ utterance }) => utterance.interactionId,
        (assist) => this.push(assist),
      ),
    );
    // The buffer tells each end after the interaction's last utterance went out.
    const interactionEnds$ = this.buffer.ended$.pipe(
      tap((interactionId) => this.interactionEnded(interactionId)),
      ignoreElements(),
    );
    // Verdicts are stored durably at once; the feedback service delivers them from the store.
    // What agents say about cards also ranks later results for similar questions.
    const trainingFeedback$ = events$.pipe(
      filter(isVerdict),
      tap((verdict) => this.verdicts.take(verdict)),
    );
    this.drained = new Promise<void>((resolve) => {
      this.subscription = merge(assistCards$, interactionEnds$, trainingFeedback$).subscribe({
        complete: resolve,
        error: (error: Error) => {
          // Every step catches its own failures; reaching here is a bug. Liveness reports it so the
          // orchestrator restarts the pod instead of leaving it connected but deaf.
          this.failure = error.message;
          this.counters.count('pipeline_failures');
          this.logger.error(`Assist pipeline stopped: ${error.message}`);
          resolve();
        },
      });
    });
    this.stream.start();
  }

  /** What the pipeline holds now: buffers, searches, the feedback backlog (cheap: no counter copy). */
  load(): PipelineLoad {
    const buffer = this.buffer.stats();
    return {
      interactions: buffer.interactions,
      bufferedChars: buffer.bufferedChars,
      evictedInteractions: buffer.evicted,
      utterances: buffer.flushed,
      searchesInFlight: this.searchQueue.inFlight,
      searchesQueued: this.searchQueue.queued,
      feedback: this.feedback.stats(),
    };
  }

  /** What the pipeline holds and has done, for the readiness details (information, not a verdict). */
  stats(): PipelineLoad & { counters: Record<string, number> } {
    return { ...this.load(), counters: this.counters.snapshot() };
  }

  /** Undefined while the pipeline runs; why it stopped otherwise. */
  get failed(): string | undefined {
    return this.failure;
  }

  /** Its last utterance is out (the buffer flushed it first): the call's memory can go. */
  private interactionEnded(interactionId: string): void {
    this.insights.interactionEnded(interactionId);
    this.knowledge.interactionEnded(interactionId);
    this.privacy.forget(interactionId);
  }

  /** Counts every utterance by flush reason; true when it should be searched. */
  private countUtterance(utterance: Utterance): boolean {
    this.counters.count('utterances', { reason: utterance.reason });
    const searchable = this.knowledge.isSearchable(utterance);
    if (!searchable) this.counters.count('utterances_not_searched', { cause: 'speaker' });
    return searchable;
  }

  private worthSearching({ plan }: { plan: QueryPlan }): boolean {
    if (!plan.search) this.counters.count('utterances_not_searched', { cause: plan.why });
    else if (plan.basis === 'with-topic') this.counters.count('searches_with_topic');
    return plan.search;
  }

  /**
   * One utterance: waits for a search slot (or is shed if it could not get one in time), searches, and
   * formats its cards, all within the card deadline.
   */
  private searchCards({ utterance, plan }: Query): Observable<Assist> {
    const search$ = defer(() => this.knowledge.search(plan)).pipe(
      inTimeSlices(this.replies),
      // Verdicts from earlier calls re-rank the hits; the floors then keep only the strong ones.
      map((articles) => this.learning.rank(plan.stems, articles)),
      map((articles) => ({ utterance, plan, cards: this.insights.toCards(utterance, articles, { asks: plan.asks }) })),
      filter(({ cards }) => cards.length > 0),
      withinCardDeadline(utterance, this.cardDeadlineMs, () => this.dropLate(utterance, 'searching')),
    );
    const deadlineAt = utterance.flushedAt + this.cardDeadlineMs;
    return this.searchQueue
      .run(search$, deadlineAt, (cause) => this.shed(utterance, cause))
      .pipe(catchError((error: Error) => this.skip(utterance, error)));
  }

  private push({ utterance, plan, cards }: Assist): Observable<void> {
    return this.insights.push(utterance, cards, plan.stems).pipe(
      tap(() => {
        this.knowledge.cardsShown(utterance.interactionId, plan);
        this.learning.cardsPushed(
          utterance.interactionId,
          plan.stems,
          cards.map((card) => card.id),
        );
      }),
      withinCardDeadline(utterance, this.cardDeadlineMs, () => this.dropLate(utterance, 'pushing')),
      catchError((error: Error) => this.skip(utterance, error)),
    );
  }

  private dropLate(utterance: Utterance, step: 'searching' | 'pushing'): void {
    this.counters.count('cards_dropped_late', { step });
    this.overload.warn(`cards dropped late (${step})`, {
      msg:
        `Cards for interaction ${utterance.interactionId} (utterance ${utterance.seq}) dropped: ` +
        `still ${step} ${this.cardDeadlineMs} ms after the flush, too late to help`,
      interactionId: utterance.interactionId,
      utteranceSeq: utterance.seq,
      step,
    });
  }

  private shed(utterance: Utterance, cause: ShedCause): void {
    this.counters.count('searches_shed', { cause });
    const why =
      cause === 'queue-full'
        ? `${this.searchQueue.queued} searches already wait (KB_MAX_QUEUED)`
        : `the knowledge search could not answer within CARD_DEADLINE_MS (${this.cardDeadlineMs} ms)`;
    this.overload.warn(`searches shed (${cause})`, {
      msg: `Search for interaction ${utterance.interactionId} (utterance ${utterance.seq}) shed: ${why}`,
      interactionId: utterance.interactionId,
      utteranceSeq: utterance.seq,
      cause,
    });
  }

  private skip(utterance: Utterance, error: Error): Observable<never> {
    this.counters.count('assist_failures');
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
    this.overload.flush();
  }
}

interface Query {
  utterance: Utterance;
  plan: SearchPlan;
}

interface Assist extends Query {
  cards: AssistCard[];
}
