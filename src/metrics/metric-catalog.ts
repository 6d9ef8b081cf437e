import { GRANT_TYPES, ID_TOKEN_REJECTIONS, ISSUER_DOCUMENTS } from '../auth/access-key/access-key.labels.js';
import type { FlushReason } from '../domain/utterance.js';
import type { ExpertOutcome } from '../knowledge/expert/expert-knowledge.source.js';
import type { CacheLookup } from '../knowledge/expert/expert-search-cache.js';
import type { ShedCause } from '../common/deadline-queue.js';
import type { RetryDecision } from '../cxone-api/retry-decision.js';
import type { PiiKind } from '../privacy/pii-redactor.js';
import type { StreamEventType } from '../domain/events.js';
import type { RecordOutcome } from '../feedback/feedback.service.js';
import type { PanelRefusal } from '../panel/panel-access.js';
import type { FrameRejection } from '../stream/stream-frame.types.js';
import type { EventSourceState } from '../stream/event-source.js';

/** Every series the service defines is named `agent_assist_<name>` (counters end in `_total`). */
export const METRIC_PREFIX = 'agent_assist_';

/** Seconds; from a fast local call to a request that used up its retries. */
export const LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type MetricType = 'counter' | 'histogram' | 'gauge';

/** Label name → the values known in advance, in the order the code writes the labels. */
export type MetricLabels = Readonly<Record<string, readonly string[]>>;

export interface MetricSpec<T extends MetricType = MetricType, L extends MetricLabels = MetricLabels> {
  readonly type: T;
  readonly help: string;
  readonly labels: L;
}

/**
 * The values of a label, which tsc checks cover every member of `T`: a new flush reason or frame
 * rejection in the code fails the typecheck until it is listed here, and so exported at 0.
 */
function allOf<T extends string>() {
  return <const V extends readonly string[]>(
    values: V & ([Exclude<T, V[number]>] extends [never] ? unknown : { missing: Exclude<T, V[number]> }),
  ): V => values;
}

type RetryCause = Extract<RetryDecision, { kind: 'retry' }>['cause'];
/** CxoneApiClient.giveUp: a final answer from decideRetry, or no token to try with. */
type GiveUpCause = Extract<RetryDecision, { kind: 'give-up' }>['cause'] | 'no-token';

/** The `operation` of every CxoneApiClient call (the adapters' `operation:`). */
export const OPERATIONS = ['knowledge-search', 'cards-push', 'training-feedback', 'active-contacts'] as const;
export type CxoneOperation = (typeof OPERATIONS)[number];
/** A 401 retries as `unauthorized` after a token refresh; the others are decideRetry's. */
const RETRY_CAUSES = allOf<RetryCause | 'unauthorized'>()([
  'rate-limited',
  'server-error',
  'timeout',
  'network',
  'unauthorized',
]);
const FAILURE_CAUSES = allOf<GiveUpCause>()(['forbidden', 'unauthorized', 'rejected', 'exhausted', 'no-token']);
/** `error`: not a CXone failure (a bug); `cancelled`: unsubscribed before the end (a card dropped late). */
/** How a whole CXone REST call ended. */
export type CallOutcome = GiveUpCause | 'success' | 'error' | 'cancelled';
const OUTCOMES = allOf<CallOutcome>()([
  'success',
  'forbidden',
  'unauthorized',
  'rejected',
  'exhausted',
  'no-token',
  'error',
  'cancelled',
]);
const CXONE_CALL = { operation: OPERATIONS, outcome: OUTCOMES };
const EXPERT_OUTCOMES = allOf<ExpertOutcome>()([
  'success',
  'forbidden',
  'unauthorized',
  'rejected',
  'invalid-reply',
  'exhausted',
  'error',
  'cancelled',
]);

const EVENT_TYPES = allOf<StreamEventType>()([
  'TRANSCRIPT_FRAGMENT',
  'DIALOG_STATE',
  'INSIGHT_ACCEPTED',
  'INSIGHT_REJECTED',
  'INTERACTION_ENDED',
]);
const FRAME_REJECTIONS = allOf<FrameRejection>()([
  'oversized',
  'invalid-json',
  'not-an-object',
  'unknown-type',
  'invalid-fields',
]);
/** 401/403 are what the runbook explains; 429 and 5xx are CXone incidents. Any other status appears on use. */
const HANDSHAKE_STATUSES = ['401', '403', '429', '500', '502', '503'];
const FLUSH_REASONS = allOf<FlushReason>()([
  'silence',
  'dialog-state',
  'max-duration',
  'interaction-ended',
  'size-cap',
  'shutdown',
]);
/** iban, account and dob are the redactor's next kinds; listing them early only adds zero series. */
const PII_KINDS = allOf<PiiKind>()(['card', 'ssn', 'email', 'phone', 'iban', 'account', 'dob']);
export const STREAM_STATES = allOf<EventSourceState>()(['idle', 'connecting', 'open', 'reconnecting', 'stopped']);

type NoLabels = Readonly<Record<never, readonly string[]>>;

function counter(help: string): MetricSpec<'counter', NoLabels>;
function counter<const L extends MetricLabels>(help: string, labels: L): MetricSpec<'counter', L>;
function counter(help: string, labels: MetricLabels = {}): MetricSpec<'counter'> {
  return { type: 'counter', help, labels };
}
function histogram(help: string): MetricSpec<'histogram', NoLabels>;
function histogram<const L extends MetricLabels>(help: string, labels: L): MetricSpec<'histogram', L>;
function histogram(help: string, labels: MetricLabels = {}): MetricSpec<'histogram'> {
  return { type: 'histogram', help, labels };
}
function gauge(help: string): MetricSpec<'gauge', NoLabels>;
function gauge<const L extends MetricLabels>(help: string, labels: L): MetricSpec<'gauge', L>;
function gauge(help: string, labels: MetricLabels = {}): MetricSpec<'gauge'> {
  return { type: 'gauge', help, labels };
}

/**
 * Every series of the service, by the name the code uses (`counters.count(name, labels)`, `observe`,
 * `registerGauge`): the names and the label values the code may pass are checked by tsc from here. Counters and histograms are exported from the first scrape, at 0 for every
 * combination of their known label values, so `increase(...) > 0` alerts see the first event. Adding a
 * series is one line here; the docs may only name series listed here (metric-catalog.spec.ts).
 */
export const METRIC_CATALOG = {
  // stream
  stream_events: counter('Valid stream events received, by type', { type: EVENT_TYPES }),
  stream_invalid_frames: counter('Stream frames skipped as invalid, by reason', { reason: FRAME_REJECTIONS }),
  stream_disconnects: counter('Stream sockets that closed unexpectedly'),
  stream_reconnects: counter('Stream reconnect attempts scheduled'),
  stream_handshake_failures: counter('Stream handshakes refused, by HTTP status', { status: HANDSHAKE_STATUSES }),
  stream_dead_sockets: counter('Stream sockets dropped for not answering pings'),
  stream_connect_failures: counter('Stream connection attempts that never opened a socket (refused, network, timeout)'),
  stream_state: gauge('Stream socket state: 1 for the current state', { state: STREAM_STATES }),
  stream_state_seconds: gauge('Seconds since the stream entered its current state'),
  // buffers and the assist pipeline
  utterances: counter('Utterances flushed from the buffers, by flush reason', { reason: FLUSH_REASONS }),
  utterances_not_searched: counter(
    'Utterances not searched, by cause: a speaker not searched for, or small talk (no content word, thanks, holding, a detail, repair, pleasantry)',
    { cause: ['speaker', 'no-content', 'acknowledgement', 'holding', 'detail', 'repair', 'pleasantry'] },
  ),
  searches_with_topic: counter("Short or vague utterances searched together with the call's topic"),
  searches_without_cards: counter('Searches that brought no card, by cause', {
    cause: ['no-hits', 'weak', 'already-shown'],
  }),
  buffered_interactions: gauge('Interactions with a live utterance buffer'),
  searches_in_flight: gauge('Knowledge searches running now'),
  searches_queued: gauge('Knowledge searches waiting for a slot'),
  searches_shed: counter(
    'Searches dropped before they started: the queue was full, or they would miss CARD_DEADLINE_MS',
    {
      cause: allOf<ShedCause>()(['deadline', 'queue-full']),
    },
  ),
  cards_pushed: counter('Assist cards pushed to agent desktops'),
  cards_dropped_late: counter('Cards dropped because they missed CARD_DEADLINE_MS, by step', {
    step: ['searching', 'pushing'],
  }),
  assist_failures: counter('Utterances that produced no cards because a step failed'),
  pipeline_failures: counter('Assist pipeline stops (a bug: liveness fails)'),
  pii_redactions: counter('Personal data replaced in utterances, by kind', { kind: PII_KINDS }),
  assist_e2e_latency_seconds: histogram('From the flush trigger (TURN_END, silence...) to the cards accepted by CXone'),
  // sandbox
  sandbox_requests_refused: counter('Sandbox requests refused as cross-site or rebinding attempts, by reason', {
    reason: ['host', 'origin', 'content-type'],
  }),
  // CXone REST calls
  cxone_requests: counter(
    'CXone REST calls finished, by operation and outcome (retries included in one call)',
    CXONE_CALL,
  ),
  cxone_request_duration_seconds: histogram(
    'Duration of a whole CXone REST call, retries and backoff included',
    CXONE_CALL,
  ),
  http_retries: counter('CXone REST call retries, by operation and cause', {
    operation: OPERATIONS,
    cause: RETRY_CAUSES,
  }),
  http_failures: counter('CXone REST calls given up, by operation and cause', {
    operation: OPERATIONS,
    cause: FAILURE_CAUSES,
  }),
  // CXone Expert knowledge (KB_PROVIDER=expert)
  expert_requests: counter('Expert searches finished, by outcome (retries included in one)', {
    outcome: EXPERT_OUTCOMES,
  }),
  expert_request_duration_seconds: histogram('Duration of a whole Expert search, retries and backoff included', {
    outcome: EXPERT_OUTCOMES,
  }),
  expert_retries: counter('Expert search retries, by cause', {
    cause: allOf<RetryCause>()(['rate-limited', 'server-error', 'timeout', 'network']),
  }),
  knowledge_cache: counter(
    'Expert searches (each one billable) answered from the cache (hit), joined to one in flight (shared) or sent (miss)',
    { result: allOf<CacheLookup>()(['hit', 'shared', 'miss']) },
  ),
  // access token
  token_refreshes: counter('Access tokens obtained'),
  token_refresh_failures: counter('Failed token requests'),
  token_invalidated: counter('Access tokens rejected by CXone (401)'),
  token_valid: gauge('1 while a valid access token is held'),
  token_expires_in_seconds: gauge('Seconds until the held token expires'),
  token_grants: counter('Access-key sign-ins and renewals granted, by OAuth grant', { grant: GRANT_TYPES }),
  token_refresh_grants_refused: counter('Refresh tokens refused at renewal (the access key signed in again)'),
  token_verification_failures: counter('id_tokens not trusted, by reason', { reason: ID_TOKEN_REJECTIONS }),
  issuer_documents_rejected: counter('Unusable sign-in documents, by document', { document: ISSUER_DOCUMENTS }),
  // agent panel
  panel_sign_ins: counter('Agent sign-ins to the panel, by outcome', {
    outcome: ['success', 'declined', 'unknown-state', 'code-refused', 'identity-rejected', 'issuer-unavailable'],
  }),
  panel_requests_refused: counter('Agent panel requests refused, by cause', {
    cause: allOf<PanelRefusal | 'too-many'>()([
      'no-session',
      'origin',
      'malformed-contact',
      'not-owner',
      'unknown-contact',
      'unknown-card',
      'too-many',
    ]),
  }),
  panel_verdicts: counter('Verdicts sent from the agent panel, by what became of them', {
    outcome: allOf<RecordOutcome>()(['stored', 'duplicate', 'refused']),
  }),
  panel_disconnects: counter('Agent panel event streams closed (the panel left, or was too slow and dropped)'),
  panel_contact_owners_read: counter('Contact-to-agent assignments read from CXone active contacts'),
  panel_open: gauge('Agent panels connected now'),
  panel_sessions: gauge('Agent panel sessions held now'),
  // training feedback
  feedback_stored: counter('Verdicts written to the durable feedback store'),
  feedback_delivered: counter('Verdicts delivered to the training endpoint (in cluster mode, by whichever replica)'),
  feedback_queued: counter("Verdicts handed from this replica's store to the cluster's JetStream queue (cluster mode)"),
  feedback_dead_letters: counter('Verdicts refused for good and moved to dead letters'),
  feedback_redeliveries: counter('Verdict deliveries rescheduled after a failure'),
  feedback_duplicates: counter('Duplicate verdicts ignored'),
  feedback_refused_backlog_full: counter('Verdicts refused because FEEDBACK_MAX_PENDING was reached'),
  feedback_store_failures: counter('Verdicts lost because the store write failed'),
  verdicts_learned: counter('Verdicts learned from (ranking for similar questions), by action', {
    action: ['ACCEPTED', 'REJECTED'],
  }),
  verdicts_not_learned: counter(
    'Verdicts not learned from: a repeat, a card this process did not push, or a store write that failed',
  ),
  learned_cases: gauge('(question, article) cases learned from verdicts'),
  feedback_pending: gauge('Verdicts stored and not yet delivered'),
  feedback_oldest_pending_seconds: gauge('Age of the oldest undelivered verdict'),
  feedback_dead_lettered: gauge('Verdicts held in the dead-letter table'),
  cluster_leader: gauge('1 while this replica holds the stream lease (cluster mode), 0 otherwise'),
  cluster_lease_age_seconds: gauge('Seconds since this replica took the stream lease; 0 as a standby'),
  cluster_nats_connected: gauge('1 while the connection to NATS is up (cluster mode)'),
  cluster_takeovers: counter('Times this replica took the stream lease'),
  cluster_leases_lost: counter('Times this replica lost the stream lease without handing it over'),
  cluster_lease_failures: counter('Lease renewals or attempts that could not reach NATS'),
  cluster_cards_not_pushed: counter('Cards cluster mode kept from the agent, by cause', {
    cause: ['no-lease', 'claimed-before', 'claim-failed'],
  }),
  cluster_lesson_failures: counter("Steps of the cluster's shared learning that failed, by step", {
    step: ['publish', 'follow', 'question', 'malformed', 'compact', 'compacted'],
  }),
  cluster_verdict_deliveries: counter('Verdicts from the JetStream queue to the training endpoint, by outcome', {
    outcome: ['delivered', 'retried', 'dead-lettered', 'malformed'],
  }),
} as const satisfies Record<string, MetricSpec>;

type Catalog = typeof METRIC_CATALOG;
type NamesOf<T extends MetricType> = { [N in keyof Catalog]: Catalog[N]['type'] extends T ? N : never }[keyof Catalog];
/** A label's values: the known ones where the list is closed (a tuple of literals), any text otherwise. */
type LabelValue<V> = V extends readonly (infer E extends string)[] ? (string extends E ? string : E) : string;
type LabelsOfSpec<S> = S extends { labels: infer L } ? { readonly [K in keyof L]: LabelValue<L[K]> } : never;

export type CounterName = NamesOf<'counter'>;
export type HistogramName = NamesOf<'histogram'>;
export type GaugeName = NamesOf<'gauge'>;
/** The labels a series takes, with the values tsc allows for each. */
export type LabelsOf<N extends keyof Catalog> = LabelsOfSpec<Catalog[N]>;
/** Series without labels, and series with: `count(name)` and `count(name, labels)`. */
export type UnlabelledCounter = {
  [N in CounterName]: keyof Catalog[N]['labels'] extends never ? N : never;
}[CounterName];
export type LabelledCounter = Exclude<CounterName, UnlabelledCounter>;

/** The catalog entry of `name` if it is a series of that type. */
export function catalogSpec(name: string, type: MetricType): MetricSpec | undefined {
  const catalog: Readonly<Record<string, MetricSpec>> = METRIC_CATALOG;
  const spec = Object.hasOwn(catalog, name) ? catalog[name] : undefined;
  return spec?.type === type ? spec : undefined;
}

/** `cards_pushed` → `agent_assist_cards_pushed_total`; histograms and gauges keep their name. */
export function exportedName(name: string, type: MetricType): string {
  return `${METRIC_PREFIX}${type === 'counter' && !name.endsWith('_total') ? `${name}_total` : name}`;
}

/**
 * Every combination of the known label values: 3 operations × 5 causes are 15 label sets; one empty set
 * for a series without labels.
 */
export function knownLabelSets(spec: MetricSpec): Record<string, string>[] {
  return Object.entries(spec.labels).reduce<Record<string, string>[]>(
    (sets, [label, values]) => sets.flatMap((set) => values.map((value) => ({ ...set, [label]: value }))),
    [{}],
  );
}
