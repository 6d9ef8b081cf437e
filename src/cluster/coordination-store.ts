import type { Observable } from 'rxjs';

/**
 * What cluster mode needs from NATS JetStream key-value buckets, and nothing else: the lease and the card
 * claims. Every write is conditional; a revision is the bucket's sequence number, increasing across the
 * cluster, so it serves as a fencing token. Errors are ClusterException (StoreFailed).
 */
export interface CoordinationStore {
  /** Writes the lease if nobody holds it (absent, expired or released): its revision, or undefined if held. */
  createLease(holder: string): Promise<number | undefined>;
  /** Renews the lease if `revision` is still the latest: the new revision, or undefined if it moved on. */
  renewLease(holder: string, revision: number): Promise<number | undefined>;
  /** Gives the lease up if `revision` is still the latest, so a standby takes over at once. */
  releaseLease(revision: number): Promise<void>;
  /** Emits when the lease is released or deleted (not when it expires: the standbys' timer sees that). */
  readonly leaseReleased$: Observable<void>;
  /**
   * True for the first claim of `key` within the claims' lifetime, false for every later one. The question
   * the card answers is kept with the claim, for learning from its verdict on any replica.
   */
  claim(key: string, fencingToken: number, question?: readonly string[]): Promise<boolean>;
  /** The question kept with the claim of `key`, if it was made within `maxAgeMs`. */
  claimedQuestion(key: string, maxAgeMs: number): Promise<readonly string[] | undefined>;
  /** Whether the connection to NATS is up now. */
  connected(): boolean;
}

export const COORDINATION_STORE = Symbol('COORDINATION_STORE');
