import { Injectable } from '@nestjs/common';
import { defer, type Observable, of } from 'rxjs';
import type { AssistCard } from '../domain/card.js';
import type { CardSink } from '../insights/card-sink.js';
import { PanelHub } from './panel-hub.js';

/** Cards to the agent panels open on the contact (the stream's interaction id is the CXone contact id). */
@Injectable()
export class PanelCardSink implements CardSink {
  constructor(private readonly hub: PanelHub) {}

  push(interactionId: string, cards: AssistCard[]): Observable<void> {
    return defer(() => {
      this.hub.publishCards(interactionId, cards);
      return of(undefined);
    });
  }

  interactionEnded(interactionId: string): void {
    this.hub.publishEnded(interactionId);
  }
}
