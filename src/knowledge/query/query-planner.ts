import type { LRUCache } from 'lru-cache';
import type { Utterance } from '../../domain/utterance.js';
import { readDialogAct, type SmallTalk } from './dialog-act.js';
import { MAX_SCANNED_CHARS, toTerms } from './terms.js';
import { boundedLru } from '../../common/bounded-lru.js';

/**
 * An utterance with at least this many content words says what it is about on its own; one with fewer
 * ("yes, that one, the card", "how long does that take") is searched together with the call's topic.
 */
export const SELF_CONTAINED_TERMS = 3;
/** The topic's own words, as said: enough to name the subject without drowning the new utterance. */
const MAX_TOPIC_CHARS = 300;
const DEFAULT_TOPIC_IDLE_MS = 10 * 60 * 1000;

/** What to ask the knowledge base for one utterance, or why not to ask at all. */
export type QueryPlan =
  | { search: false; why: SmallTalk }
  | {
      search: true;
      /** What is sent to the knowledge base: the customer's words (after redaction), as said. */
      text: string;
      /** The content words' stems: what verdicts on its cards are learned against. */
      stems: string[];
      /** The utterance alone (its words become the topic if it brings cards) or with the call's topic. */
      basis: 'utterance' | 'with-topic';
      /** It asks something (a question, a request, a problem); one that does not needs stronger hits. */
      asks: boolean;
    };

interface Topic {
  text: string;
  stems: string[];
}

/**
 * Decides what to ask the knowledge base, per utterance, from what was said and what the call is about:
 * - small talk is not searched: no content word at all (greetings, thanks, back-channel, "one moment"),
 *   or content words that only thank, hold or give a detail (see dialog-act.ts);
 * - a self-contained utterance is searched as said;
 * - a short or vague one is searched together with the call's topic.
 * The topic is the last utterance searched on its own that brought cards: a newer one replaces it.
 * Bounded: at most `maxInteractions` topics, each forgotten after `idleMs` without use.
 */
export class QueryPlanner {
  private readonly topics: LRUCache<string, Topic>;

  constructor(maxInteractions: number, idleMs = DEFAULT_TOPIC_IDLE_MS, now: () => number = () => Date.now()) {
    // A topic in use (vague turns searched with it) stays; one unused for idleMs goes.
    this.topics = boundedLru(maxInteractions, {
      ttl: idleMs,
      updateAgeOnGet: true,
      ttlResolution: 0,
      perf: { now },
    });
  }

  plan(utterance: Utterance): QueryPlan {
    const text = utterance.text.slice(0, MAX_SCANNED_CHARS);
    const own = toTerms(text);
    const act = readDialogAct(text, own);
    if (act.smallTalk) return { search: false, why: act.smallTalk };
    const { asks } = act;
    const topic = this.topics.get(utterance.interactionId);
    if (own.content.length >= SELF_CONTAINED_TERMS || !topic) {
      return { search: true, text, stems: own.stems, basis: 'utterance', asks };
    }
    return {
      search: true,
      text: `${topic.text} ${text}`,
      stems: [...new Set([...topic.stems, ...own.stems])],
      basis: 'with-topic',
      asks,
    };
  }

  /** Cards were pushed for this plan: if it was the utterance alone, it is now the call's topic. */
  cardsShown(interactionId: string, plan: QueryPlan): void {
    if (!plan.search || plan.basis !== 'utterance') return;
    this.topics.set(interactionId, { text: plan.text.slice(0, MAX_TOPIC_CHARS), stems: plan.stems });
  }

  /** The call ended: its topic goes. */
  forget(interactionId: string): void {
    this.topics.delete(interactionId);
  }

  get size(): number {
    this.topics.purgeStale();
    return this.topics.size;
  }
}
