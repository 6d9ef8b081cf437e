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
  /**
   * The URL clients reach the simulator at, when it differs from where it listens (e.g. `http://cxone-sim:4000`
   * in compose while listening on 0.0.0.0). It is the OIDC issuer and the base of every URL the real profile
   * hands out. Default: `baseUrl`.
   */
  publicUrl?: string;
  /** Access keys the password grant of `/auth/token` accepts. Default: one, `sim-access-key` / `sim-access-secret`. */
  accessKeys?: AccessKey[];
  /** The tenant in id_tokens and the only one `/.well-known/cxone-configuration` knows. Default `11eb0000-0000-0000-0000-000000000001`. */
  tenantId?: string;
  /** The CXone Expert server API token. Default key `sim-expert-key`, secret `sim-expert-secret`, user `=assist-service`. */
  expert?: ExpertCredentials;
  /**
   * The agents `/auth/authorize` offers to sign in as; the first one gets every contact not assigned otherwise.
   * Default `DEFAULT_AGENTS`: `1001` Demo Agent and `1002` Second Agent.
   */
  agents?: TenantAgent[];
}

/** An agent of the simulated tenant: who an agent sign-in's id_token is about, and whom contacts belong to. */
export interface TenantAgent {
  /** The id_token's `icAgentId` and the contact's `agentId`. */
  agentId: string;
  name: string;
}

/** One contact as `GET /inContactAPI/services/v{N}/contacts/active` lists it. */
export interface ActiveContact {
  /** The stream's interactionId. */
  contactId: string;
  masterContactId: string;
  agentId: string;
  stateName: 'Active' | 'Disconnected';
  holdCount: number;
  /** ISO 8601. */
  lastUpdateTime: string;
}

export interface AccessKey {
  id: string;
  secret: string;
}

export interface ExpertCredentials {
  key: string;
  secret: string;
  /** `=name` or a numeric user id. */
  user: string;
}

export interface KbArticle {
  id: string;
  title: string;
  /** HTML, as the real knowledge API returns it. */
  body: string;
  url: string;
  tags?: string[];
}

/** The tutorial protocol's endpoints. */
export type TutorialEndpoint = 'token' | 'knowledge' | 'cards' | 'feedback';
/**
 * What a real tenant serves: OIDC discovery, JWKS, sign-in (access keys, and agents at `/auth/authorize`),
 * tenant configuration, CXone Expert search, and the Real-Time Data API's active contacts.
 */
export type RealProfileEndpoint =
  'discovery' | 'jwks' | 'auth-token' | 'authorize' | 'cxone-configuration' | 'expert-query' | 'contacts-active';
export type SimEndpoint = TutorialEndpoint | RealProfileEndpoint;

export interface Fault {
  status: number;
  retryAfter?: string;
  /** How many requests this fault answers (default 1). */
  times?: number;
  /** Sent as JSON (with `contentType` when given). Default `{error: 'simulated_fault', status}`. */
  body?: unknown;
  /** Sent as is, e.g. an HTML login page or an XML error; excludes `body`. */
  rawBody?: string;
  /** Default `application/json; charset=utf-8`, or `text/plain; charset=utf-8` with `rawBody`. */
  contentType?: string;
}

/** What `setIdTokenTampering` makes wrong in every id_token issued from then on. */
export type IdTokenTampering = 'none' | 'bad-signature' | 'wrong-audience' | 'wrong-issuer' | 'expired' | 'no-tenant';

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
  /** `GET /.well-known/openid-configuration`. */
  discovery: RecordedRequest[];
  /** `GET /auth/jwks`. */
  jwks: RecordedRequest[];
  /** `POST /auth/token`; the form body and the Basic header with secret values masked. */
  authTokens: RecordedRequest<Record<string, string>>[];
  /** `GET /.well-known/cxone-configuration`. */
  cxoneConfigurations: RecordedRequest[];
  /** `GET /@api/deki/site/query`; the X-Deki-Token's signature masked. */
  expertQueries: RecordedRequest[];
  /** `GET` and `POST /auth/authorize` (agent sign-in); the POST's form as the body. */
  authorizations: RecordedRequest<Record<string, string>>[];
  /** `GET /inContactAPI/services/v{N}/contacts/active`. */
  activeContactPolls: RecordedRequest[];
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
