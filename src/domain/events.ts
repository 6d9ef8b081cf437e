/** The conversation as the service sees it, whatever outside system delivers it (docs/contract.md). */

export const SPEAKERS = ['CUSTOMER', 'AGENT'] as const;
export type Speaker = (typeof SPEAKERS)[number];

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

export type StreamEventType = StreamEvent['type'];
