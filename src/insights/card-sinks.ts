import { forkJoin, map, type Observable } from 'rxjs';
import type { AssistCard } from '../domain/card.js';
import type { CardSink } from './card-sink.js';

/**
 * Every configured sink gets the push (CARD_SINKS=cxone,panel); it is done when all are. One that fails
 * fails the push, as a single sink would, so the pipeline counts it; the others still got their cards.
 */
export class CardSinks implements CardSink {
  constructor(private readonly sinks: readonly CardSink[]) {}

  push(interactionId: string, cards: AssistCard[]): Observable<void> {
    if (this.sinks.length === 1) return this.sinks[0]!.push(interactionId, cards);
    return forkJoin(this.sinks.map((sink) => sink.push(interactionId, cards))).pipe(map(() => undefined));
  }

  interactionEnded(interactionId: string): void {
    for (const sink of this.sinks) sink.interactionEnded?.(interactionId);
  }
}
