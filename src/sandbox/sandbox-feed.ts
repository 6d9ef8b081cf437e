import type { SimActivity } from '../simulator/index.js';
import { addAttempt, copyVerdict, type FeedbackAttempt, type FeedbackVerdict, verdictOf } from './feedback-verdicts.js';

/** Interactions kept for the page (oldest forgotten first) and per-interaction limits: all bounded. */
export const FEED_LIMITS = {
  interactions: 12,
  linesPerInteraction: 200,
  lineChars: 2000,
  pushesPerInteraction: 30,
  /** Verdicts (and training deliveries, one entry per verdict however often it was retried). */
  feedbackPerInteraction: 60,
  notices: 30,
} as const;

export interface TranscriptLine {
  seq: number;
  speaker: string;
  text: string;
  at: number;
}

export interface CardView {
  id: string;
  title: string;
  priority: number | null;
  score: number | null;
  snippet: string;
  citation: string;
}

export interface CardPush {
  at: number;
  cards: CardView[];
}

export interface VerdictView {
  at: number;
  insightId: string;
  verdict: 'ACCEPTED' | 'REJECTED';
}

export interface InteractionView {
  interactionId: string;
  title: string;
  startedAt: number;
  ended: boolean;
  lines: TranscriptLine[];
  pushes: CardPush[];
  verdicts: VerdictView[];
  /** What the training endpoint received: one entry per verdict, with its delivery attempts. */
  feedback: FeedbackVerdict[];
}

export interface Notice {
  at: number;
  text: string;
}

export type FeedMessage =
  | { type: 'interaction'; interactionId: string; title: string; startedAt: number }
  | { type: 'transcript'; interactionId: string; line: TranscriptLine }
  | { type: 'cards'; interactionId: string; push: CardPush }
  | { type: 'verdict'; interactionId: string; verdict: VerdictView }
  /** A verdict's delivery changed (a new verdict, or one more attempt at a known one). */
  | { type: 'feedback'; interactionId: string; feedback: FeedbackVerdict }
  | { type: 'ended'; interactionId: string }
  | { type: 'notice'; notice: Notice };

export interface FeedSnapshot {
  interactions: InteractionView[];
  notices: Notice[];
}

interface InteractionState extends InteractionView {
  nextSeq: number;
  /** The last line still takes fragments (same speaker, no dialog state since). */
  lineOpen: boolean;
}

type Listener = (message: FeedMessage) => void;

/**
 * What the agent desktop preview shows, built from the simulator's activity: per interaction the
 * transcript (fragments merged into speaker lines), the card pushes the service made, the agent's
 * verdicts and what the training endpoint received. Everything is bounded; listeners get each change.
 */
export class SandboxFeed {
  private readonly interactions = new Map<string, InteractionState>();
  private readonly notices: Notice[] = [];
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  snapshot(): FeedSnapshot {
    return {
      interactions: [...this.interactions.values()].map((state) => ({
        interactionId: state.interactionId,
        title: state.title,
        startedAt: state.startedAt,
        ended: state.ended,
        lines: state.lines.map((line) => ({ ...line })),
        pushes: state.pushes.map((push) => ({ ...push, cards: push.cards.map((card) => ({ ...card })) })),
        verdicts: state.verdicts.map((verdict) => ({ ...verdict })),
        feedback: state.feedback.map(copyVerdict),
      })),
      notices: this.notices.map((notice) => ({ ...notice })),
    };
  }

  /** Names an interaction the sandbox itself starts (a scripted conversation, a typed utterance). */
  begin(interactionId: string, title: string): void {
    const state = this.interaction(interactionId);
    state.title = title.slice(0, 200);
    this.emit({ type: 'interaction', interactionId, title: state.title, startedAt: state.startedAt });
  }

  notice(text: string): void {
    const notice = { at: Date.now(), text: text.slice(0, 300) };
    pushBounded(this.notices, notice, FEED_LIMITS.notices);
    this.emit({ type: 'notice', notice });
  }

  /** Simulator activity in: the arrow keeps `this` so it can be passed to `onActivity` as is. */
  readonly ingest = (activity: SimActivity): void => {
    if (activity.kind === 'stream') this.streamEvent(activity.event, activity.at);
    else if (activity.endpoint === 'cards') this.cardPush(activity.request.body, activity.request.status);
    else if (activity.endpoint === 'feedback') this.feedbackAttempt(activity.request);
  };

  private streamEvent(event: object | string, at: number): void {
    if (typeof event !== 'object' || event === null) return; // raw frames (bad-frame tests) show nothing
    const fields = event as Record<string, unknown>;
    const interactionId = text(fields.interactionId, 128);
    if (!interactionId) return;
    switch (fields.type) {
      case 'TRANSCRIPT_FRAGMENT':
        this.fragment(interactionId, text(fields.speaker, 20) || 'CUSTOMER', text(fields.text, 1000), at);
        break;
      case 'DIALOG_STATE':
        this.interaction(interactionId).lineOpen = false;
        break;
      case 'INSIGHT_ACCEPTED':
      case 'INSIGHT_REJECTED': {
        const verdict: VerdictView = {
          at,
          insightId: text(fields.insightId, 128),
          verdict: fields.type === 'INSIGHT_ACCEPTED' ? 'ACCEPTED' : 'REJECTED',
        };
        pushBounded(this.interaction(interactionId).verdicts, verdict, FEED_LIMITS.feedbackPerInteraction);
        this.emit({ type: 'verdict', interactionId, verdict });
        break;
      }
      case 'INTERACTION_ENDED':
        this.interaction(interactionId).ended = true;
        this.interaction(interactionId).lineOpen = false;
        this.emit({ type: 'ended', interactionId });
        break;
    }
  }

  private fragment(interactionId: string, speaker: string, fragment: string, at: number): void {
    if (!fragment.trim()) return;
    const state = this.interaction(interactionId);
    const last = state.lines.at(-1);
    let line: TranscriptLine;
    if (last && state.lineOpen && last.speaker === speaker) {
      last.text = `${last.text} ${fragment.trim()}`.slice(0, FEED_LIMITS.lineChars);
      line = last;
    } else {
      line = { seq: state.nextSeq++, speaker, text: fragment.trim(), at };
      pushBounded(state.lines, line, FEED_LIMITS.linesPerInteraction);
      state.lineOpen = true;
    }
    this.emit({ type: 'transcript', interactionId, line: { ...line } });
  }

  private cardPush(body: unknown, status: number): void {
    // The agent only sees what CXone accepted.
    if (status < 200 || status >= 300 || typeof body !== 'object' || body === null) return;
    const fields = body as Record<string, unknown>;
    const interactionId = text(fields.interactionId, 128);
    if (!interactionId || !Array.isArray(fields.insights)) return;
    const cards = fields.insights.slice(0, 20).map(cardView);
    const push: CardPush = { at: Date.now(), cards };
    pushBounded(this.interaction(interactionId).pushes, push, FEED_LIMITS.pushesPerInteraction);
    this.emit({ type: 'cards', interactionId, push: { ...push, cards: cards.map((card) => ({ ...card })) } });
  }

  /** Every redelivery is one more attempt at the same verdict, not a new verdict. */
  private feedbackAttempt(attempt: FeedbackAttempt): void {
    const fresh = verdictOf(attempt);
    if (!fresh) return;
    const list = this.interaction(fresh.interactionId).feedback;
    let verdict = list.find((known) => known.key === fresh.key);
    if (!verdict) {
      verdict = fresh;
      pushBounded(list, verdict, FEED_LIMITS.feedbackPerInteraction);
    }
    addAttempt(verdict, attempt.at, attempt.status);
    this.emit({ type: 'feedback', interactionId: fresh.interactionId, feedback: copyVerdict(verdict) });
  }

  private interaction(interactionId: string): InteractionState {
    let state = this.interactions.get(interactionId);
    if (!state) {
      state = {
        interactionId,
        title: '',
        startedAt: Date.now(),
        ended: false,
        lines: [],
        pushes: [],
        verdicts: [],
        feedback: [],
        nextSeq: 1,
        lineOpen: false,
      };
      this.interactions.set(interactionId, state);
      while (this.interactions.size > FEED_LIMITS.interactions) {
        this.interactions.delete(this.interactions.keys().next().value!);
      }
    }
    return state;
  }

  private emit(message: FeedMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // one broken subscriber must not starve the others
      }
    }
  }
}

function cardView(raw: unknown): CardView {
  const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    id: text(fields.id, 128),
    title: text(fields.title, 300),
    priority: typeof fields.priority === 'number' && Number.isFinite(fields.priority) ? fields.priority : null,
    score: typeof fields.score === 'number' && Number.isFinite(fields.score) ? fields.score : null,
    snippet: text(fields.snippet, 400),
    citation: text(fields.citation, 2000),
  };
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

function pushBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
