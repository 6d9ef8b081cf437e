import type { CxoneSimulator, RecordedRequest } from '../../src/simulator/index.js';

/** Stream events as CXone sends them, for the end-to-end tests. */
export const fragment = (interactionId: string, text: string, speaker: 'CUSTOMER' | 'AGENT' = 'CUSTOMER') => ({
  type: 'TRANSCRIPT_FRAGMENT',
  interactionId,
  text,
  speaker,
  timestamp: new Date().toISOString(),
});
export const turnEnd = (interactionId: string, state = 'TURN_END') => ({ type: 'DIALOG_STATE', interactionId, state });
export const ended = (interactionId: string) => ({ type: 'INTERACTION_ENDED', interactionId });
export const verdict = (interactionId: string, insightId: string, accepted: boolean) => ({
  type: accepted ? 'INSIGHT_ACCEPTED' : 'INSIGHT_REJECTED',
  interactionId,
  insightId,
});

/** The card pushes the simulator received for one interaction. */
export function cardsFor(simulator: CxoneSimulator, interactionId: string): RecordedRequest<any>[] {
  return simulator.received.cards.filter((request) => request.body?.interactionId === interactionId);
}
