import type { Type } from '@nestjs/common';
import { AccessKeyTokenSource } from './auth/access-key/access-key.token-source.js';
import { ClientCredentialsTokenSource } from './auth/client-credentials.token-source.js';
import { LeaseGatedEventSource } from './cluster/lease-gated.event-source.js';
import { VerdictQueuePublisher } from './cluster/verdict-queue.js';
import type { TokenSource } from './auth/token-source.js';
import type { AppConfig } from './config/app-config.js';
import type { CardSinkName } from './config/panel-config.js';
import { CxoneTrainingSink } from './feedback/cxone-training.sink.js';
import type { FeedbackSink } from './feedback/feedback-sink.js';
import type { CardSink } from './insights/card-sink.js';
import { CxoneCardSink } from './insights/cxone-card.sink.js';
import { CxoneKnowledgeSource } from './knowledge/cxone-knowledge.source.js';
import { ExpertKnowledgeSource } from './knowledge/expert/expert-knowledge.source.js';
import type { KnowledgeSource } from './knowledge/knowledge-source.js';
import { PanelCardSink } from './panel/panel-card.sink.js';
import { AgentAssistStreamSource } from './stream/agent-assist-stream.source.js';
import type { EventSource } from './stream/event-source.js';

export interface OutsideSystems {
  tokenSource: Type<TokenSource>;
  knowledgeSource: Type<KnowledgeSource>;
  cardSinks: Type<CardSink>[];
  feedbackSink: Type<FeedbackSink>;
  eventSource: Type<EventSource>;
}

/**
 * The one place each outside system's implementation is picked from the configuration. The rest of the
 * service sees only the interfaces (TOKEN_SOURCE, KNOWLEDGE_SOURCE, CARD_SINK, FEEDBACK_SINK,
 * EVENT_SOURCE). CXone publishes no equivalent of the tutorial's stream and feedback calls, so those
 * have one implementation each; cards go to the tutorial's call, the agent panel, or both.
 */
export function outsideSystems(config: AppConfig): OutsideSystems {
  return {
    tokenSource: TOKEN_SOURCES[config.cxone.auth],
    knowledgeSource: KNOWLEDGE_SOURCES[config.knowledge.provider],
    cardSinks: config.panel.cardSinks.map((name) => CARD_SINKS[name]),
    // Cluster mode: verdicts go to the JetStream work queue; any replica delivers them (VerdictDelivery).
    feedbackSink: config.cluster.enabled ? VerdictQueuePublisher : CxoneTrainingSink,
    // Cluster mode: read only by the replica holding the stream lease (docs/cluster.md).
    eventSource: config.cluster.enabled ? LeaseGatedEventSource : AgentAssistStreamSource,
  };
}

const CARD_SINKS: Record<CardSinkName, Type<CardSink>> = {
  cxone: CxoneCardSink,
  panel: PanelCardSink,
};

const TOKEN_SOURCES: Record<AppConfig['cxone']['auth'], Type<TokenSource>> = {
  'client-credentials': ClientCredentialsTokenSource,
  'access-key': AccessKeyTokenSource,
};

const KNOWLEDGE_SOURCES: Record<AppConfig['knowledge']['provider'], Type<KnowledgeSource>> = {
  cxone: CxoneKnowledgeSource,
  expert: ExpertKnowledgeSource,
};
