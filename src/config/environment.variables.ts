import { Type } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { HostAddress, Matching, NumberAtLeast, NumberBetween, OneOf, TextOfLength, WholeNumber } from './env-rules.js';
import { DEFAULT_CLUSTER_NAME } from './cluster-config.js';
import { IsWebUrl } from './is-web-url.validator.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const MS = 'milliseconds';
/** CXone agent desktops (MAX, CXone Agent) live under these; a real deployment narrows them to its own. */
const DEFAULT_FRAME_ANCESTORS =
  'https://*.niceincontact.com https://*.nicecxone.com https://*.nicecxone-sov1.au https://*.nicecxone-sov1.eu';
const ORIGIN_SOURCE = "(?:'self'|https?://(?:\\*\\.)?[a-z0-9-]+(?:\\.[a-z0-9-]+)*(?::\\d{1,5})?)";
const FRAME_ANCESTORS = new RegExp(`^${ORIGIN_SOURCE}(?: ${ORIGIN_SOURCE}){0,19}$`, 'i');
const BOOLEAN = ['true', 'false'] as const;

/**
 * Every environment variable the service reads. Names are fixed by the contract; the extra
 * tuning knobs below it have safe defaults and are documented in the README.
 */
export class EnvironmentVariables {
  @IsOptional() @OneOf(['development', 'production', 'test']) NODE_ENV: string = 'development';
  @Type(() => Number) @WholeNumber(0, 65535) PORT: number = 3000;
  /** The interface to listen on; unset: loopback in sandbox mode, every interface with a tenant. */
  @IsOptional() @HostAddress() HOST?: string;
  @IsOptional() @OneOf(LOG_LEVELS) LOG_LEVEL: LogLevel = 'info';

  /** How the service signs in: the tutorial's client-credentials call, or a real tenant's access key. */
  @OneOf(['client-credentials', 'access-key']) CXONE_AUTH: 'client-credentials' | 'access-key' = 'client-credentials';
  @IsOptional() @TextOfLength(1, 512) CXONE_CLIENT_ID?: string;
  @IsOptional() @TextOfLength(1, 4096) CXONE_CLIENT_SECRET?: string;
  @IsWebUrl(['http:', 'https:']) CXONE_TOKEN_URL: string = 'https://api.niceincontact.com/oauth/token';
  @OneOf(['body', 'basic']) CXONE_TOKEN_AUTH: 'body' | 'basic' = 'body';
  @IsWebUrl(['http:', 'https:']) CXONE_API_BASE_URL: string = 'https://api.niceincontact.com';
  @IsWebUrl(['ws:', 'wss:']) CXONE_STREAM_URL: string = 'wss://api.niceincontact.com/cxoneapi/v2/agentassist/stream';
  /** access-key: the tenant's OIDC issuer (discovery, JWKS, and the API host through cxone-configuration). */
  @IsOptional() @IsWebUrl(['http:', 'https:']) CXONE_ISSUER?: string;
  @IsOptional() @TextOfLength(1, 512) CXONE_ACCESS_KEY_ID?: string;
  @IsOptional() @TextOfLength(1, 4096) CXONE_ACCESS_KEY_SECRET?: string;

  @Type(() => Number) @WholeNumber(50, 600_000, MS) BUFFER_SILENCE_MS: number = 3000;
  @Type(() => Number) @WholeNumber(100, 600_000, MS) BUFFER_MAX_MS: number = 10_000;
  @Type(() => Number) @WholeNumber(100, 100_000, 'characters') BUFFER_MAX_UTTERANCE_CHARS: number = 4000;
  @Type(() => Number) @WholeNumber(10, 1_000_000, 'interactions') BUFFER_MAX_INTERACTIONS: number = 20_000;

  /** Where knowledge comes from: the tutorial's search call, or CXone Expert. */
  @OneOf(['cxone', 'expert']) KB_PROVIDER: 'cxone' | 'expert' = 'cxone';
  @TextOfLength(2, 16, 'a language tag (e.g. en-US)') KB_LANGUAGE: string = 'en-US';
  @Type(() => Number) @WholeNumber(1, 50, 'results') KB_PAGE_SIZE: number = 5;
  @Type(() => Number) @NumberAtLeast(0) KB_MIN_SCORE: number = 0;
  /** Unless the best hit scores this much, a search found nothing worth a card (0 turns the floor off). */
  @Type(() => Number) @NumberBetween(0, 1) KB_CONFIDENT_SCORE: number = 0.15;
  /** A card's score must be at least this share of the best hit's: a weak tail under a strong hit is noise. */
  @Type(() => Number) @NumberBetween(0, 1) KB_RELATIVE_SCORE: number = 0.8;
  /** The confident floor for an utterance that asks nothing: a statement may be small talk or a need. */
  @Type(() => Number) @NumberBetween(0, 1) KB_STATEMENT_SCORE: number = 0.4;
  @Type(() => Number) @WholeNumber(1, 1000, 'searches') KB_MAX_IN_FLIGHT: number = 32;
  /** Searches waiting for a slot at most; beyond it (or past what the deadline allows) they are shed. */
  @Type(() => Number) @WholeNumber(1, 1_000_000, 'searches') KB_MAX_QUEUED: number = 20_000;
  /** Whose utterances are searched: agent small talk ("how can I help you today?") makes junk cards. */
  @Matching(/^(CUSTOMER|AGENT)(,(CUSTOMER|AGENT))*$/, 'CUSTOMER, AGENT or both, comma-separated')
  KB_QUERY_SPEAKERS: string = 'CUSTOMER';

  @IsOptional() @IsWebUrl(['http:', 'https:']) EXPERT_SITE_URL?: string;
  @IsOptional() @TextOfLength(1, 512) EXPERT_KEY?: string;
  @IsOptional() @TextOfLength(1, 4096) EXPERT_SECRET?: string;
  /** The Expert user the server token acts as: `=name` or a numeric user id. */
  @IsOptional() @Matching(/^(=\S{1,255}|\d{1,18})$/, '=name or a numeric user id') EXPERT_USER?: string;
  /** Every Expert search is billed to the tenant: answers are reused this long for the same query. */
  @Type(() => Number) @WholeNumber(0, 86_400_000, MS) EXPERT_CACHE_TTL_MS: number = 300_000;
  @Type(() => Number) @WholeNumber(0, 1_000_000, 'queries') EXPERT_CACHE_MAX_ENTRIES: number = 5000;

  /** A card later than this after its flush trigger no longer helps the agent: dropped and counted. */
  @Type(() => Number) @WholeNumber(100, 600_000, MS) CARD_DEADLINE_MS: number = 10_000;
  @OneOf(BOOLEAN) PII_REDACTION: string = 'true';

  @Type(() => Number) @WholeNumber(100, 120_000, MS) HTTP_TIMEOUT_MS: number = 5000;
  @Type(() => Number) @WholeNumber(1, 20, 'attempts') HTTP_MAX_ATTEMPTS: number = 4;

  @Type(() => Number) @WholeNumber(1000, 300_000, MS) STREAM_PING_INTERVAL_MS: number = 15_000;
  @Type(() => Number) @WholeNumber(100, 600_000, MS) STREAM_RECONNECT_MAX_MS: number = 30_000;
  @Type(() => Number) @WholeNumber(1024, 16 * 1024 * 1024, 'bytes') STREAM_MAX_FRAME_BYTES: number = 64 * 1024;

  @TextOfLength(1, 4096, 'a directory path') FEEDBACK_STORE_PATH: string = './data';
  @Type(() => Number) @WholeNumber(10, 10_000_000, 'verdicts') FEEDBACK_MAX_PENDING: number = 100_000;
  /** What is learned from verdicts is kept for this many (question, article) cases at most, the oldest going first. */
  @Type(() => Number) @WholeNumber(100, 10_000_000, 'cases') LEARNING_MAX_CASES: number = 100_000;

  /** Where cards go: the tutorial's insights call, the agent panel (GET /agent), or both, comma-separated. */
  @IsOptional() @Matching(/^(cxone|panel)(,(cxone|panel))?$/, 'cxone, panel or cxone,panel') CARD_SINKS?: string;
  /** The panel's address as agents' browsers reach it: sign-in comes back to {PANEL_PUBLIC_URL}/agent/callback. */
  @IsOptional() @IsWebUrl(['http:', 'https:']) PANEL_PUBLIC_URL?: string;
  /** The URL parameter carrying the contact, as Studio builds it: `?contactId={ContactID}`. */
  @Matching(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'a URL parameter name (letters, digits, _)') PANEL_CONTACT_PARAM: string =
    'contactId';
  /** The pages allowed to show the panel in an iframe (CSP frame-ancestors): the CXone agent desktops. */
  @Matching(FRAME_ANCESTORS, "space-separated origins such as https://*.niceincontact.com, or 'self'")
  PANEL_FRAME_ANCESTORS: string = DEFAULT_FRAME_ANCESTORS;
  @Type(() => Number) @WholeNumber(60_000, 86_400_000, MS) PANEL_SESSION_TTL_MS: number = 3_600_000;
  /** Who may open a contact: the agent CXone's real-time data names for it, or any signed-in agent. */
  @OneOf(['active-contacts', 'any-agent']) PANEL_CONTACT_OWNERS: 'active-contacts' | 'any-agent' = 'active-contacts';
  @Type(() => Number) @WholeNumber(500, 300_000, MS) PANEL_CONTACTS_POLL_MS: number = 2000;
  @Matching(/^\d{1,3}\.\d{1,3}$/, 'an API version such as 30.0') PANEL_ACD_API_VERSION: string = '30.0';
  @Type(() => Number) @WholeNumber(1, 100_000, 'connections') PANEL_MAX_CONNECTIONS: number = 2000;

  /** NATS with JetStream, comma-separated servers: set, the replicas form one cluster (docs/cluster.md). */
  @IsOptional()
  @Matching(
    /^(nats|tls):\/\/[^\s,]{1,256}(,\s*(nats|tls):\/\/[^\s,]{1,256}){0,15}$/,
    'nats:// or tls:// URLs, comma-separated',
  )
  NATS_URL?: string;
  @Matching(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and -, at most 32') CLUSTER_NAME: string =
    DEFAULT_CLUSTER_NAME;
  @Type(() => Number) @WholeNumber(1000, 60_000, MS) CLUSTER_LEASE_TTL_MS: number = 3000;

  @Type(() => Number) @WholeNumber(0, 120_000, MS) SHUTDOWN_DRAIN_MS: number = 8000;
  @OneOf(BOOLEAN) SANDBOX_DEMO: string = 'true';
  /** Which CXone the sandbox simulates: the tutorial's protocol, or access-key sign-in with CXone Expert. */
  @OneOf(['tutorial', 'cxone']) SANDBOX_PROFILE: 'tutorial' | 'cxone' = 'tutorial';
  /** Production refuses plain http/ws CXone URLs to other hosts than loopback unless this is `true`. */
  @OneOf(BOOLEAN) ALLOW_INSECURE_CXONE_URLS: string = 'false';
}

/** Variables whose value may come from a file named by `<NAME>_FILE` (Kubernetes secrets). */
export const FILE_BACKED_VARIABLES = [
  'CXONE_CLIENT_ID',
  'CXONE_CLIENT_SECRET',
  'CXONE_ACCESS_KEY_ID',
  'CXONE_ACCESS_KEY_SECRET',
  'EXPERT_KEY',
  'EXPERT_SECRET',
] as const;

/** The CXone URLs production wants encrypted (https/wss) unless they point at loopback. */
export const CXONE_URL_VARIABLES = [
  'CXONE_TOKEN_URL',
  'CXONE_API_BASE_URL',
  'CXONE_STREAM_URL',
  'CXONE_ISSUER',
  'EXPERT_SITE_URL',
  'PANEL_PUBLIC_URL',
] as const;

/**
 * Every variable the service reads: the validated ones, the `*_FILE` secret variants and
 * `IGNORE_ENV_FILE` (read by the ConfigModule itself). Manifests and examples may set only these.
 */
export const ACCEPTED_VARIABLES: readonly string[] = [
  ...Object.keys(new EnvironmentVariables()),
  ...FILE_BACKED_VARIABLES,
  ...FILE_BACKED_VARIABLES.map((name) => `${name}_FILE`),
  'IGNORE_ENV_FILE',
].filter((name, index, all) => all.indexOf(name) === index);
