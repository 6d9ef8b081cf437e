import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { COORDINATION_STORE, type CoordinationStore } from '../cluster/coordination-store.js';
import { StreamLease } from '../cluster/stream-lease.js';

/**
 * Cluster mode's part of readiness: NATS must be reachable (without it a replica can neither take the
 * stream over nor push). A standby is ready: it serves agent panels and can take over. Absent in
 * single-pod mode.
 */
@Injectable()
export class ClusterHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Optional() private readonly lease?: StreamLease,
    @Optional() @Inject(COORDINATION_STORE) private readonly store?: CoordinationStore,
  ) {}

  get enabled(): boolean {
    return this.lease !== undefined && this.store !== undefined;
  }

  /** A standby reads no stream by design. */
  isStandby(): boolean {
    return this.lease?.role === 'standby';
  }

  check() {
    const connected = this.store?.connected() === true;
    const leader = this.lease?.role === 'leader';
    const details = {
      role: leader ? 'leader' : 'standby',
      nats: connected ? 'connected' : 'disconnected',
      holds: leader ? 'the tenant stream' : 'nothing: standby, ready to take over',
      leaseHeldSeconds: Math.round(this.lease?.heldForSeconds() ?? 0),
    };
    const session = this.health.check('cluster');
    return connected ? session.up(details) : session.down(details);
  }
}
