/** Public types of the in-repo CXone simulator (the API tests and sandbox mode code against). */

export interface SimulatorOptions {
  /** 0 = ephemeral (default 0). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  clientId: string;
  clientSecret: string;
  /** Default 3600. */
  tokenTtlSeconds?: number;
  /** Default: the built-in article set from data/articles.json. */
  articles?: KbArticle[];
  /** No console output (default true). */
  quiet?: boolean;
}

export interface KbArticle {
  id: string;
  title: string;
  /** HTML, as the real knowledge API returns it. */
  body: string;
  url: string;
  tags?: string[];
}

export type SimEndpoint = 'token' | 'knowledge' | 'cards' | 'feedback';

export interface Fault {
  status: number;
  retryAfter?: string;
  /** How many requests this fault answers (default 1). */
  times?: number;
  body?: unknown;
}

export interface RecordedRequest<T = unknown> {
  /** Arrival time, Date.now(). */
  at: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  body: T;
  /**
   * What the simulator answered; 0 when it reset the connection instead; 499 when the client went away
   * before the (delayed) answer, e.g. its timeout expired during `setLatency`/`delayNext`.
   */
  status: number;
}

export interface HandshakeRecord {
  at: number;
  /** 101 when accepted. */
  status: number;
}

export interface SimulatorRecords {
  tokens: RecordedRequest[];
  searches: RecordedRequest[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  cards: RecordedRequest<any>[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  feedback: RecordedRequest<any>[];
  handshakes: HandshakeRecord[];
}

/** An event without interactionId gets the conversation's (or the play option's) interactionId. */
export type ScriptStep = { delayMs: number; event: Record<string, unknown> };

export interface Conversation {
  id: string;
  title: string;
  events: ScriptStep[];
  /** Articles a correct service should surface for this conversation (data files always set it). */
  expectedArticleIds?: string[];
}

export interface PlayOptions {
  /** 1 = real time, 10 = ten times faster. */
  speed?: number;
  interactionId?: string;
}

/** What the simulator just did, as told to `onActivity` listeners (synchronously, in order). */
export type SimActivity =
  /** An event (object) or raw frame (string) sent down the Agent Assist stream; `reached` = sockets reached. */
  | { kind: 'stream'; at: number; event: object | string; reached: number }
  /** A REST request answered (or abandoned) and recorded, e.g. a card push or a feedback post. */
  | { kind: 'request'; endpoint: SimEndpoint; request: RecordedRequest };

export type SimActivityListener = (activity: SimActivity) => void;
