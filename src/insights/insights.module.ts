import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { CARD_SINK, type CardSink } from './card-sink.js';
import { CardSinks } from './card-sinks.js';
import { InsightsService } from './insights.service.js';

/** Cards from articles, pushed through the card sinks chosen in outside-systems.ts. */
@Module({})
export class InsightsModule {
  static forRoot(sinks: readonly Type<CardSink>[]): DynamicModule {
    return {
      module: InsightsModule,
      global: true,
      providers: [
        ...sinks,
        { provide: CARD_SINK, useFactory: (...each: CardSink[]) => new CardSinks(each), inject: [...sinks] },
        InsightsService,
      ],
      exports: [InsightsService],
    };
  }
}
