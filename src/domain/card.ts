/** One assist card as the CXone insights API receives it. */
export interface AssistCard {
  id: string;
  title: string;
  /** 1 is the most relevant card. */
  priority: number;
  score: number;
  /** Always an http(s) URL. */
  citation: string;
  /** Plain text, at most 150 characters. */
  snippet: string;
  interactionId: string;
}

export interface InsightsPush {
  interactionId: string;
  insights: AssistCard[];
  displayType: 'CARD';
  autoDismiss: true;
}
