import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { BehaviorSubject, type Observable } from 'rxjs';
import { backoffDelay } from '../common/backoff.js';
import { Counters } from '../common/counters.js';
import { AuthErrorCode, AuthException } from './auth.exception.js';
import { TokenAdapter } from './token.adapter.js';

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
const REFRESH_ATTEMPTS = 3;
const REFRESH_RETRY = { initialMs: 250, maxMs: 2000 };
const BACKGROUND_RETRY = { initialMs: 1000, maxMs: 30_000 };

/**
 * Holds one OAuth token and keeps it fresh: cached, refreshed ahead of expiry in the background,
 * one refresh in flight however many callers wait, and dropped at once when CXone rejects it.
 */
@Injectable()
export class AuthService implements OnApplicationShutdown {
  private readonly logger = new Logger(AuthService.name);
  private held?: HeldToken;
  private inFlight?: Promise<string>;
  private refreshTimer?: NodeJS.Timeout;
  private backgroundFailures = 0;
  private readonly statusSubject: BehaviorSubject<TokenStatus>;
  private refreshes = 0;
  private failures = 0;
  private lastError?: string;

  constructor(
    private readonly tokens: TokenAdapter,
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

  /** CXone rejected this token (a 401): forget it so the next caller gets a new one. */
  invalidate(rejected: string): void {
    if (this.held?.value !== rejected) return;
    this.logger.warn('CXone rejected the access token; refreshing');
    this.counters.increment('token_invalidated');
    this.held = undefined;
    this.publish();
  }

  /** Starts a refresh, or joins the one in flight. */
  refresh(): Promise<string> {
    this.inFlight ??= this.refreshWithRetries().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  onApplicationShutdown(): void {
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
        const retryable = failure.code === AuthErrorCode.TokenEndpointUnavailable;
        if (!retryable || attempt >= REFRESH_ATTEMPTS) throw failure;
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
    this.backgroundFailures = 0;
    this.lastError = undefined;
    this.counters.increment('token_refreshes');
    this.logger.log(`Access token obtained, valid for ${expiresInSeconds}s`);
    this.scheduleBackgroundRefresh(this.held.refreshAt - now);
    this.publish();
    return value;
  }

  private recordFailure(failure: AuthException): void {
    this.failures++;
    this.lastError = failure.code;
    this.counters.increment('token_refresh_failures');
    this.logger.warn(`Token refresh failed: ${failure.message}`);
    this.publish();
  }

  /** Keeps the token fresh even when nothing calls: readiness depends on holding a valid one. */
  private scheduleBackgroundRefresh(delayMs: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(
      () => {
        this.refresh().catch(() => {
          this.backgroundFailures++;
          this.scheduleBackgroundRefresh(backoffDelay(this.backgroundFailures, BACKGROUND_RETRY));
        });
      },
      Math.max(delayMs, 0),
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
