import { Module } from '@nestjs/common';
import { CxoneApiModule } from '../cxone-api/cxone-api.module.js';
import { CardsAdapter } from './cards.adapter.js';
import { InsightsService } from './insights.service.js';

@Module({
  imports: [CxoneApiModule],
  providers: [CardsAdapter, InsightsService],
  exports: [InsightsService],
})
export class InsightsModule {}
