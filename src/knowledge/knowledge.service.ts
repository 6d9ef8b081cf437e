import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Observable } from 'rxjs';
import type { Article } from '../domain/article.js';
import type { Utterance } from '../domain/utterance.js';
import type { AppConfig } from '../config/app-config.js';
import { KNOWLEDGE_SOURCE, type KnowledgeSource } from './knowledge-source.js';
import { type QueryPlan, QueryPlanner } from './query/query-planner.js';

export type SearchPlan = Extract<QueryPlan, { search: true }>;

/** A query longer than this is cut at a word: relevance comes from the words, not from pages of text. */
const MAX_QUERY_CHARS = 1000;

@Injectable()
export class KnowledgeService {
  private readonly settings: AppConfig['knowledge'];
  private readonly planner: QueryPlanner;

  constructor(
    @Inject(KNOWLEDGE_SOURCE) private readonly source: KnowledgeSource,
    config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('knowledge', { infer: true });
    this.planner = new QueryPlanner(config.get('buffer', { infer: true }).maxInteractions);
  }

  /** How many searches may be in flight at once, across all interactions. */
  get maxInFlight(): number {
    return this.settings.maxInFlight;
  }

  /** How many searches may wait for a slot at most. */
  get maxQueued(): number {
    return this.settings.maxQueued;
  }

  get minScore(): number {
    return this.settings.minScore;
  }

  get pageSize(): number {
    return this.settings.pageSize;
  }

  /** Whether this utterance is worth a search: its speaker is one we search for (unknown counts as customer). */
  isSearchable(utterance: Utterance): boolean {
    return this.settings.querySpeakers.includes(utterance.speaker ?? 'CUSTOMER');
  }

  /** What to ask the knowledge base for this utterance, in its call's context, or why to stay quiet. */
  plan(utterance: Utterance): QueryPlan {
    return this.planner.plan(utterance);
  }

  /** The knowledge hits for one planned query, in relevance order. */
  search(plan: SearchPlan): Observable<Article[]> {
    return this.source.search({
      text: toQueryText(plan.text),
      language: this.settings.language,
      pageSize: this.settings.pageSize,
    });
  }

  /** Cards of this plan reached the agent: the call's topic may move on to it. */
  cardsShown(interactionId: string, plan: SearchPlan): void {
    this.planner.cardsShown(interactionId, plan);
  }

  /** The call ended: its topic goes. */
  interactionEnded(interactionId: string): void {
    this.planner.forget(interactionId);
  }
}

export function toQueryText(text: string): string {
  if (text.length <= MAX_QUERY_CHARS) return text;
  const cut = text.slice(0, MAX_QUERY_CHARS);
  const lastSpace = cut.lastIndexOf(' ');
  return lastSpace > MAX_QUERY_CHARS / 2 ? cut.slice(0, lastSpace) : cut;
}
