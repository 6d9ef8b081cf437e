import type { Observable } from 'rxjs';
import type { AssistCard } from '../domain/card.js';

/** The outside system that shows cards to the agent (the tutorial's insights call). */
export interface CardSink {
  /** Completes once the cards were accepted; errors with the reason otherwise. */
  push(interactionId: string, cards: AssistCard[]): Observable<void>;
  /** The interaction is over: a sink that shows cards can say so. */
  interactionEnded?(interactionId: string): void;
}

export const CARD_SINK = Symbol('CARD_SINK');
