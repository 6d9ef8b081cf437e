import type { AssistCard } from '../domain/card.js';

/**
 * Decides, just before a push, which of its cards may still go out (cluster mode: the stream lease is
 * still held and no replica pushed the card for this call before). Never throws: a card it cannot
 * vouch for is left out.
 */
export interface PushGate {
  admit(interactionId: string, cards: readonly AssistCard[]): Promise<AssistCard[]>;
}

export const PUSH_GATE = Symbol('PUSH_GATE');
