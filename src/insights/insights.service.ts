import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { defer, type Observable, of, switchMap, tap } from 'rxjs';
import type { Utterance } from '../domain/utterance.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { AssistCard } from '../domain/card.js';
import { formatCards } from './card-formatter.js';
import { CARD_SINK, type CardSink } from './card-sink.js';
import type { Article } from '../domain/article.js';
import { PUSH_GATE, type PushGate } from './push-gate.js';
import { ShownArticles } from './shown-articles.js';
import { strongArticles } from './score-floors.js';

/** Knowledge hits become safe, prioritized cards; cards go to the agent's desktop once each. */
@Injectable()
export class InsightsService {
  private readonly logger = new Logger(InsightsService.name);
  private readonly shown: ShownArticles;
  private readonly knowledge: AppConfig['knowledge'];
  private readonly cardDeadlineMs: number;

  constructor(
    @Inject(CARD_SINK) private readonly cards: CardSink,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
    @Optional() @Inject(PUSH_GATE) private readonly gate?: PushGate,
  ) {
    this.knowledge = config.get('knowledge', { infer: true });
    this.cardDeadlineMs = config.get('assist', { infer: true }).cardDeadlineMs;
    this.shown = new ShownArticles(config.get('buffer', { infer: true }).maxInteractions);
  }

  /**
   * The cards worth an agent's attention among ranked articles: only strong ones (score floors judged
   * on the whole result, shown articles included), none the call has already seen, safe to display.
   * A search that brings none is counted by why.
   */
  toCards(utterance: Utterance, articles: Article[], { asks = true }: { asks?: boolean } = {}): AssistCard[] {
    const { interactionId } = utterance;
    const isAlreadyShown = (articleId: string) => this.shown.has(interactionId, articleId);
    const { strong, quiet } = strongArticles(articles, this.knowledge, { isAlreadyShown, asks });
    const cards = formatCards(strong, {
      interactionId,
      minScore: this.knowledge.minScore,
      maxCards: this.knowledge.pageSize,
      isAlreadyShown,
    });
    // Strong articles that make no card are ones the call has seen (or ones the formatter found unsafe).
    if (cards.length === 0) this.counters.count('searches_without_cards', { cause: quiet ?? 'already-shown' });
    return cards;
  }

  /**
   * Pushes the cards the gate admits (all of them in single-pod mode); completes at once if none.
   * `question`: the terms the cards answer, which cluster mode keeps with each card's claim.
   */
  push(utterance: Utterance, proposed: AssistCard[], question?: readonly string[]): Observable<void> {
    const gate = this.gate;
    if (!gate) return this.pushAdmitted(utterance, proposed);
    return defer(() => gate.admit(utterance.interactionId, proposed, question)).pipe(
      switchMap((admitted) => (admitted.length === 0 ? of(undefined) : this.pushAdmitted(utterance, admitted))),
    );
  }

  private pushAdmitted(utterance: Utterance, cards: AssistCard[]): Observable<void> {
    return this.cards.push(utterance.interactionId, cards).pipe(
      tap(() => {
        this.shown.remember(
          utterance.interactionId,
          cards.map((card) => card.id),
        );
        const latencyMs = Date.now() - utterance.flushedAt;
        this.counters.count('cards_pushed', cards.length);
        // End to end: from the flush trigger (TURN_END, silence…) to the cards accepted by CXone.
        this.counters.observe('assist_e2e_latency_seconds', {}, latencyMs / 1000);
        this.logger.log({
          msg:
            `Pushed ${cards.length} card(s) for interaction ${utterance.interactionId} ` +
            `(utterance ${utterance.seq}, ${utterance.reason}, ${latencyMs} ms after the flush)`,
          interactionId: utterance.interactionId,
          utteranceSeq: utterance.seq,
          flushReason: utterance.reason,
          cards: cards.length,
          latencyMs,
        });
      }),
    );
  }

  /**
   * The interaction is over: its shown-article memory goes once its last utterance (flushed by the end
   * itself, maybe still searching) can no longer bring cards, i.e. after the card deadline.
   */
  interactionEnded(interactionId: string): void {
    this.shown.retire(interactionId, this.cardDeadlineMs);
    this.cards.interactionEnded?.(interactionId);
  }
}
