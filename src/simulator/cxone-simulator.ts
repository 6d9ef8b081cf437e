import { AgentStream, STREAM_PATH } from './agent-stream.js';
import { appendBounded } from './bounded-records.js';
import { playConversation } from './conversation-player.js';
import { FaultPlan } from './fault-plan.js';
import { createEndpointRouter } from './endpoint-router.js';
import { LoopbackServer } from './loopback-server.js';
import type { RealCxoneProfile } from './real-profile.js';
import { createRequestListener } from './request-pipeline.js';
import { emptyRecords, recordRequest } from './simulator-records.js';
import type {
  Conversation,
  Fault,
  IdTokenTampering,
  PlayOptions,
  SimActivity,
  SimActivityListener,
  SimEndpoint,
  SimulatorOptions,
  SimulatorRecords,
} from './simulator-types.js';
import { waitFor, type Falsy } from './timing.js';
import { TokenRegistry } from './token-registry.js';

const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/**
 * A CXone stand-in on loopback. The tutorial protocol (OAuth client credentials, knowledge search, insights,
 * feedback, the Agent Assist stream) and, at the same time, what a real tenant offers: OIDC sign-in with
 * access keys, tenant discovery and CXone Expert search (see real-profile.ts).
 */
export class CxoneSimulator {
  readonly received: SimulatorRecords = emptyRecords();

  private readonly defaultTtlSeconds: number;
  private readonly quiet: boolean;
  private readonly publicUrl: string | undefined;
  private readonly tokens: TokenRegistry;
  private readonly realProfile: RealCxoneProfile;
  private readonly faults = new FaultPlan();
  private readonly stream: AgentStream;
  private readonly server: LoopbackServer;
  private readonly activityListeners = new Set<SimActivityListener>();

  constructor(options: SimulatorOptions) {
    this.defaultTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    this.quiet = options.quiet ?? true;
    this.publicUrl = options.publicUrl?.replace(/\/+$/, '');
    this.tokens = new TokenRegistry(this.defaultTtlSeconds);
    const log = (line: string): void => this.log(line);
    this.stream = new AgentStream({
      tokens: this.tokens,
      faults: this.faults,
      recordHandshake: (status) => appendBounded(this.received.handshakes, { at: Date.now(), status }),
      log,
    });
    const router = createEndpointRouter(options, this.tokens, () => this.issuer);
    this.realProfile = router.realProfile;
    const listener = createRequestListener({
      answer: router.answer,
      faults: this.faults,
      record: (endpoint, request) => {
        recordRequest(this.received, endpoint, request);
        this.notify({ kind: 'request', endpoint, request });
      },
      lifetime: () => this.server.signal,
      log,
    });
    this.server = new LoopbackServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      listener,
      onUpgrade: (req, socket, head) => this.stream.handleUpgrade(req, socket, head),
      onStop: () => this.stream.terminateAll(),
      log,
    });
  }

  start(): Promise<void> {
    return this.server.start();
  }

  /** Closes every socket and the server; safe to call twice or before start. */
  stop(): Promise<void> {
    return this.server.stop();
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** The OIDC issuer, API host and Expert site URL of the real profile: `publicUrl` when given, else `baseUrl`. */
  get issuer(): string {
    return this.publicUrl ?? this.baseUrl;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/oauth/token`;
  }

  get streamUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}${STREAM_PATH}`;
  }

  // ---- stream control ----

  /**
   * A string is sent raw (for bad-frame tests). Frozen sockets are skipped. Returns sockets reached. An
   * interaction's first event starts its contact (see assignContact), INTERACTION_ENDED disconnects it.
   */
  send(event: object | string): number {
    this.realProfile.contacts.observe(event);
    const reached = this.stream.send(event);
    this.notify({ kind: 'stream', at: Date.now(), event, reached });
    return reached;
  }

  dropConnections(code?: number, reason?: string): void {
    this.stream.drop(code, reason);
  }

  freezeConnections(): void {
    this.stream.freeze();
  }

  /** Each stream socket opened from now on is closed (1008) when the token it was opened with expires. */
  closeStreamsAtTokenExpiry(enabled = true): void {
    this.stream.setCloseAtTokenExpiry(enabled);
  }

  rejectNextHandshakes(count: number, status = 401): void {
    this.faults.rejectNextHandshakes(count, status);
  }

  openConnections(): number {
    return this.stream.openCount();
  }

  /** Successful handshakes since construction; not cleared by reset(). */
  get acceptedHandshakes(): number {
    return this.stream.accepted;
  }

  /** Until at least n handshakes have succeeded in total, so a reconnect is awaited as n = previous + 1. */
  waitForConnections(n: number, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(
      () => this.stream.accepted >= n,
      timeoutMs,
      `${n} accepted stream handshake(s) (have ${this.stream.accepted})`,
    ).then(() => undefined);
  }

  playConversation(script: Conversation, options: PlayOptions = {}): Promise<void> {
    return playConversation(script, options, (event) => this.send(event), this.server.signal);
  }

  // ---- observers ----

  /**
   * Tells `listener` synchronously about every stream event sent and every REST request recorded.
   * Returns the unsubscribe function. A throwing listener is ignored (it cannot break the simulator).
   */
  onActivity(listener: SimActivityListener): () => void {
    this.activityListeners.add(listener);
    return () => void this.activityListeners.delete(listener);
  }

  // ---- records ----

  /**
   * Clears records and every fault (queued failures, latency, resets, handshake rejections, token ttl and expiry
   * closes, id_token tampering, refresh token and authorization code ttl), the HelpRequest count and the
   * contacts. Tokens, authorization codes and signing keys stay.
   */
  reset(): void {
    for (const list of Object.values(this.received)) list.length = 0;
    this.faults.clear();
    this.stream.setCloseAtTokenExpiry(false);
    this.tokens.setTtl(this.defaultTtlSeconds);
    this.realProfile.reset();
  }

  /** Expert searches run (billable HelpRequests); refused or faulted queries do not count. Cleared by reset(). */
  get helpRequests(): number {
    return this.realProfile.expert.helpRequests;
  }

  /** The Expert page id (`result.id`) an article is served under, so a test can expect `expert-{id}` cards. */
  expertPageId(articleId: string): string | undefined {
    return this.realProfile.expert.pageIdOf(articleId);
  }

  /**
   * Polls every 10 ms until `probe` returns a truthy value (e.g. `list.length && list`), which it resolves
   * with. An async probe is awaited before it is judged.
   */
  waitFor<T>(
    probe: () => T | Falsy | PromiseLike<T | Falsy>,
    timeoutMs = 10_000,
    what?: string,
  ): Promise<Exclude<T, Falsy>> {
    return waitFor(probe, timeoutMs, what);
  }

  // ---- faults ----

  failNext(endpoint: SimEndpoint, fault: Fault): void {
    this.faults.failNext(endpoint, fault);
  }

  setLatency(endpoint: SimEndpoint, ms: number): void {
    this.faults.setLatency(endpoint, ms);
  }

  /**
   * Delays only the next `times` requests of the endpoint by `ms` (consumed as they arrive; the steady
   * `setLatency` applies again afterwards). A request its client abandons meanwhile is recorded as 499.
   */
  delayNext(endpoint: SimEndpoint, ms: number, times = 1): void {
    this.faults.delayNext(endpoint, ms, times);
  }

  /** Drops the queued `failNext` faults of one endpoint (latency, resets and handshake rejections stay). */
  clearFaults(endpoint: SimEndpoint): void {
    this.faults.clearFaults(endpoint);
  }

  revokeTokens(): void {
    this.tokens.revokeAll();
  }

  setTokenTtl(seconds: number): void {
    this.tokens.setTtl(seconds);
  }

  resetConnections(endpoint: SimEndpoint, times = 1): void {
    this.faults.resetConnections(endpoint, times);
  }

  // ---- real profile: sign-in ----

  /** A new RS256 key signs id_tokens from now on; the previous one stays in the JWKS unless keepPrevious is false. */
  rotateSigningKey({ keepPrevious = true }: { keepPrevious?: boolean } = {}): Promise<void> {
    return this.realProfile.keys.rotate(keepPrevious);
  }

  /** Every refresh token issued so far is refused from now on (access tokens stay valid: see revokeTokens). */
  revokeRefreshTokens(): void {
    this.realProfile.refreshTokens.revokeAll();
  }

  /** Lifetime of refresh tokens issued from now on (default one day). */
  setRefreshTokenTtl(seconds: number): void {
    this.realProfile.refreshTokens.setTtl(seconds);
  }

  /** Every id_token issued from now on is wrong in this way, until 'none' or reset(). */
  setIdTokenTampering(mode: IdTokenTampering): void {
    this.realProfile.setIdTokenTampering(mode);
  }

  /** Lifetime of authorization codes `/auth/authorize` issues from now on (default 60 s), until reset(). */
  setAuthorizationCodeTtl(seconds: number): void {
    this.realProfile.codes.setTtl(seconds);
  }

  // ---- real profile: contacts ----

  /**
   * The contact (a stream interactionId) belongs to the agent from now on, as `contacts/active` reports it; one
   * not started yet starts now. Without this an interaction is its first agent's. Throws for an unknown agent.
   */
  assignContact(contactId: string, agentId: string): void {
    this.realProfile.contacts.assign(contactId, agentId);
  }

  private notify(activity: SimActivity): void {
    for (const listener of this.activityListeners) {
      try {
        listener(activity);
      } catch {
        // an observer's bug must not break the stream or a REST answer
      }
    }
  }

  private log(line: string): void {
    if (!this.quiet) console.log(`[cxone-sim] ${line}`);
  }
}
