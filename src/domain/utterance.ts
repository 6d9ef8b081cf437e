import type { Speaker } from './events.js';

/** Why a buffered utterance was released to the knowledge search. */
export type FlushReason = 'silence' | 'dialog-state' | 'max-duration' | 'interaction-ended' | 'size-cap' | 'shutdown';

export interface Utterance {
  interactionId: string;
  /** Per-interaction sequence number, 1-based; a higher one is newer. */
  seq: number;
  text: string;
  speaker?: Speaker;
  reason: FlushReason;
  /** Date.now() when the first fragment of this utterance arrived. */
  startedAt: number;
  /** Date.now() of the flush trigger: the end-to-end latency clock starts here. */
  flushedAt: number;
  fragments: number;
}
