import { Observable, type Subscriber } from 'rxjs';
import type { StreamEvent } from '../stream/stream-events.js';

/**
 * Routes INTERACTION_ENDED to the one interaction it ends through a map: one subscription for all
 * calls, O(1) per event, instead of a filter per live call on every event.
 */
export class InteractionEndSignals {
  private readonly waiting = new Map<string, Subscriber<void>>();

  /** Call for every stream event. */
  readonly onEvent = (event: StreamEvent): void => {
    if (event.type === 'INTERACTION_ENDED') this.waiting.get(event.interactionId)?.next();
  };

  /** Emits once the interaction ends; never completes on its own (a completing groupBy duration closes its group). */
  endOf(interactionId: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.waiting.set(interactionId, subscriber);
      return () => {
        if (this.waiting.get(interactionId) === subscriber) this.waiting.delete(interactionId);
      };
    });
  }
}
