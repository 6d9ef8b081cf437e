import { Global, Module } from '@nestjs/common';
import { PUSH_GATE } from '../insights/push-gate.js';
import { ClaimedPushGate } from './claimed-push.gate.js';
import { COORDINATION_STORE } from './coordination-store.js';
import { NatsCoordinationStore } from './nats-coordination.store.js';
import { StreamLease } from './stream-lease.js';

/**
 * Cluster mode (NATS_URL set): the stream lease, and the card claims. The stream itself is
 * LeaseGatedEventSource, picked in outside-systems.ts; the push gate goes in front of the card sinks.
 */
@Global()
@Module({
  providers: [
    { provide: COORDINATION_STORE, useClass: NatsCoordinationStore },
    StreamLease,
    { provide: PUSH_GATE, useClass: ClaimedPushGate },
  ],
  exports: [COORDINATION_STORE, StreamLease, PUSH_GATE],
})
export class ClusterModule {}
