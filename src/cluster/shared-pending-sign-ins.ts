import { Injectable, Logger } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import {
  LocalPendingSignIns,
  PENDING_SIGN_IN_TTL_MS,
  type PendingSignIn,
  type PendingSignIns,
} from '../panel/pending-sign-ins.js';
import { keyDigest } from '../common/key-digest.js';
import { onceSucceeded } from '../common/once-succeeded.js';
import { describeNatsError, isRevisionConflict, NatsClient } from './nats-client.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Sign-ins shared by the replicas (bucket `<name>-panel-sign-ins`, keyed by the hash of `state`, expiring
 * with the sign-in), so the identity provider's callback may land on any replica. A take is a conditional
 * delete on the entry's revision: of two replicas handed the same callback, one only gets the sign-in.
 * Without NATS, this replica's own copy serves (the callback must then come back here).
 */
@Injectable()
export class SharedPendingSignIns implements PendingSignIns {
  private readonly logger = new Logger(SharedPendingSignIns.name);
  private readonly local = new LocalPendingSignIns();
  private readonly shared = onceSucceeded(async (): Promise<KV> => {
    const { kvm, name } = await this.nats.ready();
    return kvm.create(`${name}-panel-sign-ins`, { history: 1, ttl: PENDING_SIGN_IN_TTL_MS });
  });

  constructor(private readonly nats: NatsClient) {}

  async put(state: string, pending: PendingSignIn): Promise<void> {
    await this.local.put(state, pending);
    try {
      await (await this.shared()).put(keyDigest(state), encoder.encode(JSON.stringify(pending)));
    } catch (error) {
      this.logger.warn(`Sign-in not shared (its callback must come back here): ${describeNatsError(error)}`);
    }
  }

  async take(state: string): Promise<PendingSignIn | undefined> {
    const mine = await this.local.take(state);
    let bucket: KV;
    try {
      bucket = await this.shared();
    } catch {
      return mine;
    }
    const key = keyDigest(state);
    const entry = await bucket.get(key).catch(() => null);
    if (!entry || entry.operation !== 'PUT') return entry ? undefined : mine;
    try {
      await bucket.delete(key, { previousSeq: entry.revision });
    } catch (error) {
      // Refused either way: another replica took it first, or single use cannot be proven.
      if (!isRevisionConflict(error)) this.logger.warn(`Sign-in refused, NATS failed: ${describeNatsError(error)}`);
      return undefined;
    }
    return mine ?? (JSON.parse(decoder.decode(entry.value)) as PendingSignIn);
  }
}
