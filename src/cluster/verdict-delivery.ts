import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { lastValueFrom } from 'rxjs';
import { backoffDelay } from '../common/backoff.js';
import { Counters } from '../common/counters.js';
import { CxoneApiException } from '../cxone-api/cxone-api.exception.js';
import { CxoneTrainingSink } from '../feedback/cxone-training.sink.js';
import { PERMANENT_REFUSALS, REDELIVERY_BACKOFF } from '../feedback/feedback.service.js';
import { describeNatsError, NatsClient } from './nats-client.js';
import { ensureVerdictStreams, type QueuedVerdict, VERDICT_ACK_WAIT_MS, verdictStreams } from './verdict-queue.js';

/** Verdicts taken from the queue at once by one replica. */
const BATCH = 8;
/** A pull waits this long for verdicts before asking again. */
const PULL_EXPIRES_MS = 5000;
const RETRY_AFTER_FAILURE_MS = 1000;
/** A queued verdict is a few hundred bytes; anything much larger is not one of ours. */
const MAX_VERDICT_BYTES = 64 * 1024;

/**
 * Every replica takes verdicts from the shared JetStream work queue and delivers them to the training
 * endpoint: acknowledged only after CXone took it, retried with backoff (nak with delay), a verdict CXone
 * refuses for good kept in the dead-letter stream. A replica that dies mid-delivery leaves its verdicts
 * unacknowledged; JetStream hands them to another within VERDICT_ACK_WAIT_MS.
 */
@Injectable()
export class VerdictDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(VerdictDelivery.name);
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly nats: NatsClient,
    private readonly training: CxoneTrainingSink,
    private readonly counters: Counters,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    let failing = false;
    while (!this.stopped) {
      try {
        const { js, jsm, name } = await this.nats.ready();
        await ensureVerdictStreams(jsm, name);
        const names = verdictStreams(name);
        const consumer = await js.consumers.get(names.queue, names.consumer);
        while (!this.stopped) {
          const batch = await consumer.fetch({ max_messages: BATCH, expires: PULL_EXPIRES_MS });
          const handled: Promise<void>[] = [];
          for await (const message of batch) handled.push(this.nats.track(this.deliver(message, names.deadSubject)));
          await Promise.all(handled);
        }
        failing = false;
      } catch (error) {
        if (!failing && !this.nats.closingDown)
          this.logger.warn(`Verdict queue unreachable: ${describeNatsError(error)}`);
        failing = true;
        await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_FAILURE_MS));
      }
    }
  }

  private async deliver(message: JsMsg, deadSubject: string): Promise<void> {
    const verdict = parseVerdict(message.data);
    if (!verdict) {
      this.counters.count('cluster_verdict_deliveries', { outcome: 'malformed' });
      this.logger.error(`Dropped a malformed message from the verdict queue (${message.data.length} bytes)`);
      return message.term('malformed');
    }
    const about = { interactionId: verdict.feedback.interactionId, insightId: verdict.feedback.insightId };
    // Still working on it: JetStream must not hand it to another replica meanwhile.
    const heartbeat = setInterval(() => message.working(), VERDICT_ACK_WAIT_MS / 2);
    try {
      await lastValueFrom(this.training.send(verdict.feedback, verdict.idempotencyKey), { defaultValue: undefined });
      message.ack();
      this.counters.count('cluster_verdict_deliveries', { outcome: 'delivered' });
      this.counters.count('feedback_delivered');
      this.logger.log({ msg: 'Training feedback delivered from the cluster queue', ...about });
    } catch (error) {
      if (error instanceof CxoneApiException && PERMANENT_REFUSALS.has(error.code)) {
        await this.deadLetter(message, deadSubject, verdict, error.message);
        return;
      }
      const retryAfterMs = error instanceof CxoneApiException ? (error.retryAfterMs ?? 0) : 0;
      const delay = Math.max(backoffDelay(message.info.deliveryCount, REDELIVERY_BACKOFF), retryAfterMs);
      message.nak(delay);
      this.counters.count('cluster_verdict_deliveries', { outcome: 'retried' });
      this.logger.warn({
        msg: `Training feedback not delivered (${(error as Error).message}); again in ${delay} ms`,
        ...about,
      });
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async deadLetter(message: JsMsg, subject: string, verdict: QueuedVerdict, reason: string): Promise<void> {
    const { js } = await this.nats.ready();
    await js.publish(subject, JSON.stringify({ ...verdict, reason, attempts: message.info.deliveryCount }), {
      msgID: `dead-${verdict.idempotencyKey}`,
    });
    message.term(reason);
    this.counters.count('cluster_verdict_deliveries', { outcome: 'dead-lettered' });
    this.logger.error({
      msg: `Training feedback refused for good, kept in the dead-letter stream: ${reason}`,
      interactionId: verdict.feedback.interactionId,
      insightId: verdict.feedback.insightId,
    });
  }
}

function parseVerdict(data: Uint8Array): QueuedVerdict | undefined {
  if (data.length > MAX_VERDICT_BYTES) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(data)) as Partial<QueuedVerdict>;
    const { feedback, idempotencyKey } = parsed;
    if (typeof idempotencyKey !== 'string' || typeof feedback !== 'object' || feedback === null) return undefined;
    if (typeof feedback.interactionId !== 'string' || typeof feedback.insightId !== 'string') return undefined;
    if (feedback.action !== 'ACCEPTED' && feedback.action !== 'REJECTED') return undefined;
    return { feedback, idempotencyKey };
  } catch {
    return undefined;
  }
}
