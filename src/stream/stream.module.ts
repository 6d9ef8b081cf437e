import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { EVENT_SOURCE, type EventSource } from './event-source.js';
import { StreamTerms } from './stream-terms.js';
import { WebSocketConnector } from './websocket-connector.js';

/** What happens in the calls, from the event source chosen in outside-systems.ts. */
@Module({})
export class StreamModule {
  static forRoot(source: Type<EventSource>): DynamicModule {
    return {
      module: StreamModule,
      global: true,
      providers: [WebSocketConnector, StreamTerms, source, { provide: EVENT_SOURCE, useExisting: source }],
      exports: [EVENT_SOURCE],
    };
  }
}
