/** Typed events read from the CXone Agent Assist stream (see shared CONTRACT.md). */
export type Speaker = 'CUSTOMER' | 'AGENT';

export const FLUSHING_DIALOG_STATES = ['AGENT_SILENT', 'CUSTOMER_SILENT', 'TURN_END'] as const;
export type FlushingDialogState = (typeof FLUSHING_DIALOG_STATES)[number];

export interface TranscriptFragmentEvent {
  type: 'TRANSCRIPT_FRAGMENT';
  interactionId: string;
  text: string;
  speaker?: Speaker;
  timestamp?: string | number;
  sequence?: number;
}

export interface DialogStateEvent {
  type: 'DIALOG_STATE';
  interactionId: string;
  state: string;
}

export interface InsightVerdictEvent {
  type: 'INSIGHT_ACCEPTED' | 'INSIGHT_REJECTED';
  interactionId: string;
  insightId: string;
  action?: string;
}

export interface InteractionEndedEvent {
  type: 'INTERACTION_ENDED';
  interactionId: string;
}

export type StreamEvent = TranscriptFragmentEvent | DialogStateEvent | InsightVerdictEvent | InteractionEndedEvent;

/** Why a frame was refused; counted per reason, logged without content. */
export type FrameRejection = 'oversized' | 'invalid-json' | 'not-an-object' | 'unknown-type' | 'invalid-fields';

export type ParsedFrame = { ok: true; event: StreamEvent } | { ok: false; reason: FrameRejection; detail?: string };
