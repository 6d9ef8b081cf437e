import type { Observable } from 'rxjs';
import type { StreamEvent } from '../domain/events.js';

export type EventSourceState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface EventSourceStatus {
  state: EventSourceState;
  /** Date.now() when the state was entered. */
  since: number;
  reconnects: number;
  lastMessageAt?: number;
  lastCloseCode?: number;
  lastError?: string;
}

/**
 * The outside system that tells what happens in the calls: transcript fragments, dialog states, verdicts
 * and ends, as typed events. Its connection, keep-alive and reconnects are its own business; readiness
 * reads its status.
 */
export interface EventSource {
  /** Hot; completes once the source is stopped. */
  readonly events$: Observable<StreamEvent>;
  readonly status$: Observable<EventSourceStatus>;
  status(): EventSourceStatus;
  start(): void;
  /** For good: closes the connection, cancels reconnects, hands over what was received, completes events$. */
  stop(): void;
}

export const EVENT_SOURCE = Symbol('EVENT_SOURCE');
