import { Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { CxoneApiClient } from '../cxone-api/cxone-api.client.js';
import type { AssistCard, InsightsPush } from '../domain/card.js';

/** The Agent Assist insights API, and nothing else: pushes cards to the agent's desktop. */
@Injectable()
export class CardsAdapter {
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
