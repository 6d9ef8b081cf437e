import type { AssistCard } from '../domain/card.js';

/**
 * Decides, just before a push, which of its cards may still go out (cluster mode: the stream lease is
 * still held and no replica pushed the card for this call before). Never throws: a card it cannot
 * vouch for is left out.
 */
export interface PushGate {
  /** `question`: the terms the cards answer, kept with each claim (learning from a verdict on any replica). */
  admit(interactionId: string, cards: readonly AssistCard[], question?: readonly string[]): Promise<AssistCard[]>;
}

export const PUSH_GATE = Symbol('PUSH_GATE');
