import { Global, Module } from '@nestjs/common';
import { CxoneTrainingSink } from '../feedback/cxone-training.sink.js';
import { SHARED_LESSONS } from '../feedback/learning/shared-lessons.js';
import { PUSH_GATE } from '../insights/push-gate.js';
import { ClaimedPushGate } from './claimed-push.gate.js';
import { COORDINATION_STORE } from './coordination-store.js';
import { NatsClient } from './nats-client.js';
import { NatsCoordinationStore } from './nats-coordination.store.js';
import { NatsSharedLessons } from './nats-shared-lessons.js';
import { StreamLease } from './stream-lease.js';
import { VerdictDelivery } from './verdict-delivery.js';

/**
 * Cluster mode (NATS_URL set): the stream lease, the card claims, the verdict queue's delivery and the
 * shared learning. The
 * stream itself is LeaseGatedEventSource and the feedback sink VerdictQueuePublisher, both picked in
 * outside-systems.ts; the push gate goes in front of the card sinks.
 */
@Global()
@Module({
  providers: [
    NatsClient,
    { provide: COORDINATION_STORE, useClass: NatsCoordinationStore },
    StreamLease,
    { provide: PUSH_GATE, useClass: ClaimedPushGate },
    CxoneTrainingSink,
    VerdictDelivery,
    { provide: SHARED_LESSONS, useClass: NatsSharedLessons },
  ],
  exports: [NatsClient, COORDINATION_STORE, StreamLease, PUSH_GATE, SHARED_LESSONS],
})
export class ClusterModule {}
