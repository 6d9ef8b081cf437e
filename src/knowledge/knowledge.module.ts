import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { KNOWLEDGE_SOURCE, type KnowledgeSource } from './knowledge-source.js';
import { KnowledgeService } from './knowledge.service.js';

/** Knowledge search, through the knowledge source chosen in outside-systems.ts. */
@Module({})
export class KnowledgeModule {
  static forRoot(source: Type<KnowledgeSource>): DynamicModule {
    return {
      module: KnowledgeModule,
      global: true,
      providers: [source, { provide: KNOWLEDGE_SOURCE, useExisting: source }, KnowledgeService],
      exports: [KnowledgeService],
    };
  }
}
