import { Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { CxoneApiClient } from '../cxone-api/cxone-api.client.js';
import type { AssistCard, InsightsPush } from '../domain/card.js';
import type { CardSink } from './card-sink.js';

/** The tutorial's Agent Assist insights API (`POST /api/v2/agentassist/insights`), and nothing else. */
@Injectable()
export class CxoneCardSink implements CardSink {
  constructor(private readonly api: CxoneApiClient) {}

  push(interactionId: string, cards: AssistCard[]): Observable<void> {
    const body: InsightsPush = { interactionId, insights: cards, displayType: 'CARD', autoDismiss: true };
    return this.api
      .call<unknown>({
        operation: 'cards-push',
        method: 'POST',
        path: '/api/v2/agentassist/insights',
        body,
        scope: 'agentassist:write',
      })
      .pipe(map(() => undefined));
  }
}
