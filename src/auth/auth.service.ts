import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { BehaviorSubject, type Observable } from 'rxjs';
import { backoffDelay } from '../common/backoff.js';
import { Counters } from '../common/counters.js';
import { FailureStreak } from '../common/failure-streak.js';
import { AuthErrorCode, AuthException, REFUSED_AUTH_ERRORS, TRANSIENT_AUTH_ERRORS } from './auth.exception.js';
import { TOKEN_SOURCE, type TokenSource } from './token-source.js';

export interface TokenStatus {
  valid: boolean;
  /** Seconds until the held token expires; 0 when none is held. */
  expiresInSeconds: number;
  refreshes: number;
  failures: number;
  lastError?: string;
}

interface HeldToken {
  value: string;
  expiresAt: number;
  refreshAt: number;
}

/** The tutorial's 5 minutes ahead, but at most a fifth of a short lifetime. */
const REFRESH_AHEAD_MAX_MS = 5 * 60 * 1000;
const REFRESH_AHEAD_FRACTION = 0.2;
/** Attempts of one refresh that callers wait for; after that the retry schedule below takes over. */
const REFRESH_ATTEMPTS = 3;
const REFRESH_RETRY = { initialMs: 250, maxMs: 1000 };
/**
 * Retries while no valid token is held: nothing works without one, so the endpoint is asked again at
 * least every second and a recovered endpoint is noticed within about one second.
 */
const WITHOUT_TOKEN_RETRY = { initialMs: 250, maxMs: 1000 };
/** Retries while the held token is still valid (refresh ahead of expiry): no hurry, stay gentle. */
const WITH_TOKEN_RETRY = { initialMs: 1000, maxMs: 30_000 };
/** Refused credentials do not mend by asking faster, and hammering may lock the client out. */
const REFUSED_CREDENTIALS_RETRY = { initialMs: 5000, maxMs: 60_000 };
/** setTimeout fires at once beyond this: an absurd token lifetime must not become a refresh loop. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Holds one OAuth token and keeps it fresh: cached, refreshed ahead of expiry in the background,
 * one refresh in flight however many callers wait, dropped at once when CXone rejects it, and asked
 * for again and again (every second at most while none is held) until the endpoint answers.
 */
@Injectable()
export class AuthService implements OnApplicationShutdown {
  private readonly logger = new Logger(AuthService.name);
  private readonly outage = new FailureStreak(this.logger);
  private held?: HeldToken;
  private inFlight?: Promise<string>;
  private refreshTimer?: NodeJS.Timeout;
  private retryStreak = 0;
  private readonly statusSubject: BehaviorSubject<TokenStatus>;
  private refreshes = 0;
  private failures = 0;
  private lastError?: string;
  private stopped = false;

  constructor(
    @Inject(TOKEN_SOURCE) private readonly tokens: TokenSource,
    private readonly counters: Counters,
  ) {
    this.statusSubject = new BehaviorSubject(this.status());
  }

  get status$(): Observable<TokenStatus> {
    return this.statusSubject.asObservable();
  }

  status(now = Date.now()): TokenStatus {
    const valid = this.held !== undefined && now < this.held.expiresAt;
    return {
      valid,
      expiresInSeconds: valid ? Math.floor((this.held!.expiresAt - now) / 1000) : 0,
      refreshes: this.refreshes,
      failures: this.failures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** A token valid now; waits for a refresh only when none is held. */
  async getToken(): Promise<string> {
    const now = Date.now();
    if (this.held && now < this.held.expiresAt) {
      if (now >= this.held.refreshAt) void this.refresh().catch(() => undefined);
      return this.held.value;
    }
    return this.refresh();
  }

  /** Where the tenant's REST APIs are, when the sign-in told (access-key); undefined otherwise. */
  apiBaseUrl(): string | undefined {
    return this.tokens.apiBaseUrl?.();
  }

  /** CXone rejected this token (a 401): forget it so the next caller gets a new one. */
  invalidate(rejected: string): void {
    if (this.held?.value !== rejected) return;
    this.logger.warn('CXone rejected the access token; refreshing');
    this.counters.count('token_invalidated');
    this.held = undefined;
    this.publish();
    // Readiness needs a valid token even when no call is waiting for one.
    this.schedule(0);
  }

  /** Starts a refresh, or joins the one in flight. A failed refresh schedules the next one itself. */
  refresh(): Promise<string> {
    this.inFlight ??= this.refreshWithRetries().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.refreshTimer);
  }

  private async refreshWithRetries(): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        const issued = await this.tokens.requestToken();
        return this.hold(issued.accessToken, issued.expiresInSeconds);
      } catch (error) {
        const failure =
          error instanceof AuthException
            ? error
            : new AuthException(AuthErrorCode.TokenEndpointUnavailable, 'token request failed');
        this.recordFailure(failure);
        const retryable = TRANSIENT_AUTH_ERRORS.has(failure.code);
        if (!retryable || attempt >= REFRESH_ATTEMPTS) {
          this.scheduleRetry(failure);
          throw failure;
        }
        await sleep(backoffDelay(attempt, REFRESH_RETRY));
      }
    }
  }

  private hold(value: string, expiresInSeconds: number): string {
    const now = Date.now();
    const lifetimeMs = expiresInSeconds * 1000;
    const ahead = Math.min(REFRESH_AHEAD_MAX_MS, lifetimeMs * REFRESH_AHEAD_FRACTION);
    this.held = { value, expiresAt: now + lifetimeMs, refreshAt: now + lifetimeMs - ahead };
    this.refreshes++;
    this.retryStreak = 0;
    this.lastError = undefined;
    this.counters.count('token_refreshes');
    const obtained = `Access token obtained, valid for ${expiresInSeconds}s`;
    if (this.outage.count > 0) this.outage.recovered(obtained);
    else this.logger.log(obtained);
    this.schedule(this.held.refreshAt - now);
    this.publish();
    return value;
  }

  private recordFailure(failure: AuthException): void {
    this.failures++;
    this.lastError = failure.code;
    this.counters.count('token_refresh_failures');
    const consequence = this.status().valid
      ? 'the held token stays in use until it expires'
      : // Not `token: …`: the log scrubber would take the next word for a token and redact it.
        'no valid token held, so the stream and REST calls wait for one';
    this.outage.failed(`Token refresh failed: ${failure.message}; ${consequence}`);
    this.publish();
  }

  /**
   * The next try after a failed refresh. Without a valid token the endpoint is asked again within a
   * second; with one, gently, but still well before it expires.
   */
  private scheduleRetry(failure: AuthException): void {
    this.retryStreak++;
    const now = Date.now();
    let delay: number;
    if (REFUSED_AUTH_ERRORS.has(failure.code)) {
      delay = backoffDelay(this.retryStreak, REFUSED_CREDENTIALS_RETRY);
    } else if (this.held && now < this.held.expiresAt) {
      const beforeExpiry = Math.max((this.held.expiresAt - now) / 2, WITHOUT_TOKEN_RETRY.initialMs);
      delay = Math.min(backoffDelay(this.retryStreak, WITH_TOKEN_RETRY), beforeExpiry);
    } else {
      delay = backoffDelay(this.retryStreak, WITHOUT_TOKEN_RETRY);
    }
    this.schedule(delay);
  }

  /** One timer drives every background refresh: ahead of expiry, and the retries after a failure. */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(
      () => void this.refresh().catch(() => undefined),
      Math.min(Math.max(delayMs, 0), MAX_TIMER_MS),
    );
    this.refreshTimer.unref();
  }

  private publish(): void {
    this.statusSubject.next(this.status());
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
