import { Module } from '@nestjs/common';
import { CxoneApiModule } from '../cxone-api/cxone-api.module.js';
import { KnowledgeAdapter } from './knowledge.adapter.js';
import { KnowledgeService } from './knowledge.service.js';

@Module({
  imports: [CxoneApiModule],
  providers: [KnowledgeAdapter, KnowledgeService],
  exports: [KnowledgeService],
})
export class KnowledgeModule {}
