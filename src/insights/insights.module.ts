import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { CARD_SINK, type CardSink } from './card-sink.js';
import { InsightsService } from './insights.service.js';

/** Cards from articles, pushed through the card sink chosen in outside-systems.ts. */
@Module({})
export class InsightsModule {
  static forRoot(sink: Type<CardSink>): DynamicModule {
    return {
      module: InsightsModule,
      global: true,
      providers: [sink, { provide: CARD_SINK, useExisting: sink }, InsightsService],
      exports: [InsightsService],
    };
  }
}
