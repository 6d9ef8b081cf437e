/** An agent's verdict on a card, as the training endpoint receives it. */
export interface TrainingFeedback {
  interactionId: string;
  insightId: string;
  action: 'ACCEPTED' | 'REJECTED';
  timestamp: string;
}
