import { Injectable } from '@nestjs/common';
import { AckPolicy, DiscardPolicy, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { defer, map, type Observable } from 'rxjs';
import type { TrainingFeedback } from '../domain/training-feedback.js';
import type { FeedbackSink } from '../feedback/feedback-sink.js';
import { onceSucceeded } from '../common/once-succeeded.js';
import { ClusterErrorCode, ClusterException } from './cluster.exception.js';
import { describeNatsError, NatsClient } from './nats-client.js';

/** A verdict as it travels the queue: the training feedback and the key that makes its delivery idempotent. */
export interface QueuedVerdict {
  feedback: TrainingFeedback;
  idempotencyKey: string;
}

/** JetStream drops a message id seen again within this window; the training endpoint's key covers the rest. */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;
/** A delivery taking longer is handed to another replica (a working() heartbeat extends it while it runs). */
export const VERDICT_ACK_WAIT_MS = 10_000;
const MAX_QUEUED = 1_000_000;
const DEAD_LETTER_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export const verdictStreams = (name: string) => ({
  queue: `${name}-verdicts`,
  subject: `${name}.verdicts`,
  deadLetters: `${name}-verdicts-dead`,
  deadSubject: `${name}.verdicts.dead`,
  consumer: `${name}-verdict-delivery`,
});

/** The verdict work queue, its dead letters and the shared consumer, created if missing. */
export async function ensureVerdictStreams(jsm: JetStreamManager, name: string): Promise<void> {
  const names = verdictStreams(name);
  await addOrKeep(() =>
    jsm.streams.add({
      name: names.queue,
      subjects: [names.subject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      max_msgs: MAX_QUEUED,
      discard: DiscardPolicy.New,
    }),
  );
  await addOrKeep(() =>
    jsm.streams.add({
      name: names.deadLetters,
      subjects: [names.deadSubject],
      storage: StorageType.File,
      max_age: nanos(DEAD_LETTER_MAX_AGE_MS),
    }),
  );
  await addOrKeep(() =>
    jsm.consumers.add(names.queue, {
      durable_name: names.consumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(VERDICT_ACK_WAIT_MS),
      max_deliver: -1,
    }),
  );
}

/** Creating what exists with the same settings is fine; one that differs is kept as the operator set it. */
export async function addOrKeep(add: () => Promise<unknown>): Promise<void> {
  try {
    await add();
  } catch (error) {
    if (!/already in use|already exists/i.test(describeNatsError(error))) throw error;
  }
}

/**
 * Cluster mode's FEEDBACK_SINK: the local store hands each verdict here, and it is done once JetStream
 * holds it (the work queue, deduplicated by Nats-Msg-Id = the idempotency key). Whichever replica is alive
 * delivers it to the training endpoint (VerdictDelivery); a verdict the queue refuses stays in the local
 * store and is offered again with backoff.
 */
@Injectable()
export class VerdictQueuePublisher implements FeedbackSink {
  readonly queues = true;
  private readonly streams = onceSucceeded(async () => {
    const { jsm, name } = await this.nats.ready();
    await ensureVerdictStreams(jsm, name);
  });

  constructor(private readonly nats: NatsClient) {}

  send(feedback: TrainingFeedback, idempotencyKey: string): Observable<void> {
    return defer(() => this.nats.track(this.publish({ feedback, idempotencyKey }))).pipe(map(() => undefined));
  }

  private async publish(verdict: QueuedVerdict): Promise<void> {
    try {
      await this.streams();
      const { js, name } = await this.nats.ready();
      await js.publish(verdictStreams(name).subject, JSON.stringify(verdict), { msgID: verdict.idempotencyKey });
    } catch (error) {
      throw new ClusterException(ClusterErrorCode.QueueFailed, `verdict not queued: ${describeNatsError(error)}`);
    }
  }
}
