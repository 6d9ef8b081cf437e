import { Injectable } from '@nestjs/common';
import { boundedLru } from '../common/bounded-lru.js';

/** What a sign-in needs back at its callback; holds the PKCE verifier, so it lives no longer than the sign-in. */
export interface PendingSignIn {
  verifier: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
}

/** A sign-in not finished within this long is forgotten (its callback is refused). */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 10_000;

/** Sign-ins between their start and their callback, by `state`; `take` gives each one out once only. */
export interface PendingSignIns {
  put(state: string, pending: PendingSignIn): Promise<void>;
  take(state: string): Promise<PendingSignIn | undefined>;
}

export const PENDING_SIGN_INS = Symbol('PENDING_SIGN_INS');

/** One replica's: the callback must come back to the replica that started the sign-in. */
@Injectable()
export class LocalPendingSignIns implements PendingSignIns {
  private readonly pending = boundedLru<string, PendingSignIn>(MAX_PENDING, { ttl: PENDING_SIGN_IN_TTL_MS });

  put(state: string, pending: PendingSignIn): Promise<void> {
    this.pending.set(state, pending);
    return Promise.resolve();
  }

  take(state: string): Promise<PendingSignIn | undefined> {
    const pending = this.pending.get(state);
    this.pending.delete(state);
    return Promise.resolve(pending);
  }
}
