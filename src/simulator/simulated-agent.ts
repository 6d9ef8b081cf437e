import type { Conversation, RecordedRequest } from './simulator-types.js';

const CARDS_ACCEPTED = 201;

export interface SimulatedAgentOptions {
  /** The scripted conversation an interaction is played from; other interactions are not judged. */
  conversationOf(interactionId: string): Conversation | undefined;
  /** Sends a stream event to the service, as the agent's desktop would through CXone. */
  send(event: object): number;
  /** How long the agent reads a card before clicking. */
  readingMs: number;
}

/**
 * Stands in for the agent at the desktop, so the feedback path runs too: for every accepted card push of a
 * played conversation it accepts the top card when the script expects that article, and rejects it otherwise.
 */
export class SimulatedAgent {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: SimulatedAgentOptions) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onCardsPushed(request: RecordedRequest<any>): void {
    if (this.stopped || request.status !== CARDS_ACCEPTED) return;
    const interactionId: unknown = request.body?.interactionId;
    const topCardId: unknown = Array.isArray(request.body?.insights) ? request.body.insights[0]?.id : undefined;
    if (typeof interactionId !== 'string' || typeof topCardId !== 'string') return;
    const conversation = this.options.conversationOf(interactionId);
    if (!conversation) return;
    const type = conversation.expectedArticleIds?.includes(topCardId) ? 'INSIGHT_ACCEPTED' : 'INSIGHT_REJECTED';
    const click = setTimeout(() => {
      this.pending.delete(click);
      this.options.send({ type, interactionId, insightId: topCardId });
    }, this.options.readingMs);
    this.pending.add(click);
  }

  /** Forgets the clicks not made yet. */
  stop(): void {
    this.stopped = true;
    for (const click of this.pending) clearTimeout(click);
    this.pending.clear();
  }
}
