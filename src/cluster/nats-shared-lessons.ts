import { Injectable, Logger } from '@nestjs/common';
import { DeliverPolicy, DiscardPolicy, type JetStreamManager, StorageType } from '@nats-io/jetstream';
import type { KV, Kvm } from '@nats-io/kv';
import { nanos } from '@nats-io/transport-node';
import { Observable } from 'rxjs';
import { Counters } from '../common/counters.js';
import type { Lesson, SequencedLesson, SharedLessons } from '../feedback/learning/shared-lessons.js';
import { ClusterErrorCode, ClusterException } from './cluster.exception.js';
import { claimKey } from './claimed-push.gate.js';
import { addOrKeep } from './verdict-queue.js';
import { describeNatsError, NatsClient } from './nats-client.js';
import { parseLesson } from './lesson-codec.js';

/** A card's verdict comes within the call or soon after: its question is kept, and its first verdict told apart, this long. */
const QUESTION_TTL_MS = 2 * 60 * 60 * 1000;
/** The log keeps the latest lessons; a replica starting afresh learns from these (docs/cluster.md). */
const MAX_LESSONS = 200_000;
const MAX_LOG_BYTES = 64 * 1024 * 1024;
/** A consumer that failed (NATS away, stream recreated) is opened again after this pause. */
const RESUME_AFTER_MS = 1000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const lessonNames = (name: string) => ({
  stream: `${name}-lessons`,
  subject: `${name}.lessons`,
  questions: `${name}-card-questions`,
});

/**
 * SharedLessons on JetStream: the stream `<CLUSTER_NAME>-lessons` is the one ordered log (deduplicated by
 * Nats-Msg-Id within two hours), each replica follows it with an ordered consumer from the position its
 * store recorded, and the questions cards were pushed for sit in the key-value bucket
 * `<CLUSTER_NAME>-card-questions`, keyed like the card claims.
 */
@Injectable()
export class NatsSharedLessons implements SharedLessons {
  private readonly logger = new Logger(NatsSharedLessons.name);
  private ensured?: Promise<{ questions: KV }>;

  constructor(
    private readonly nats: NatsClient,
    private readonly counters: Counters,
  ) {}

  async publish(lesson: Lesson, dedupeKey?: string): Promise<boolean> {
    try {
      const { js, name } = await this.open();
      const ack = await js.publish(
        lessonNames(name).subject,
        JSON.stringify(lesson),
        dedupeKey ? { msgID: dedupeKey } : {},
      );
      return !ack.duplicate;
    } catch (error) {
      this.counters.count('cluster_lesson_failures', { step: 'publish' });
      throw new ClusterException(ClusterErrorCode.LessonsFailed, `lesson not logged: ${describeNatsError(error)}`);
    }
  }

  follow(afterSeq: number): Observable<SequencedLesson> {
    return new Observable<SequencedLesson>((subscriber) => {
      let position = afterSeq;
      let stopped = false;
      let stop: (() => void) | undefined;
      const run = async (): Promise<void> => {
        while (!stopped) {
          try {
            await this.nats.firstConnection();
            const { js, name } = await this.open();
            const consumer = await js.consumers.get(lessonNames(name).stream, {
              ...(position > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 } : {}),
            });
            const messages = await consumer.consume();
            stop = () => void messages.close();
            if (stopped) stop();
            for await (const message of messages) {
              position = message.seq;
              const lesson = parseLesson(decoder.decode(message.data));
              if (lesson) subscriber.next({ seq: message.seq, lesson });
              else this.malformed(message.seq);
            }
          } catch (error) {
            if (stopped) return;
            this.counters.count('cluster_lesson_failures', { step: 'follow' });
            this.logger.warn(`Following the cluster's lessons failed, resuming in 1 s: ${describeNatsError(error)}`);
          }
          if (!stopped) await new Promise((resolve) => setTimeout(resolve, RESUME_AFTER_MS).unref());
        }
      };
      void run();
      return () => {
        stopped = true;
        stop?.();
      };
    });
  }

  notePushed(interactionId: string, articleIds: readonly string[], terms: readonly string[]): void {
    const value = encoder.encode(JSON.stringify(terms));
    void this.open()
      .then(({ questions }) => Promise.all(articleIds.map((id) => questions.put(claimKey(interactionId, id), value))))
      .catch((error: unknown) => {
        this.counters.count('cluster_lesson_failures', { step: 'note' });
        this.logger.warn({ msg: `Question of pushed cards not shared: ${describeNatsError(error)}`, interactionId });
      });
  }

  async questionOf(interactionId: string, articleId: string): Promise<readonly string[] | undefined> {
    try {
      const { questions } = await this.open();
      const entry = await questions.get(claimKey(interactionId, articleId));
      if (!entry || entry.operation !== 'PUT') return undefined;
      const terms: unknown = JSON.parse(decoder.decode(entry.value));
      return Array.isArray(terms) && terms.every((term) => typeof term === 'string') ? terms : undefined;
    } catch (error) {
      this.counters.count('cluster_lesson_failures', { step: 'question' });
      throw new ClusterException(ClusterErrorCode.LessonsFailed, `question not read: ${describeNatsError(error)}`);
    }
  }

  private malformed(seq: number): void {
    this.counters.count('cluster_lesson_failures', { step: 'malformed' });
    this.logger.error(`Lesson ${seq} of the cluster's log is malformed: skipped`);
  }

  private async open() {
    const jet = await this.nats.ready();
    this.ensured ??= ensureLessons(jet.jsm, jet.kvm, jet.name).catch((error: unknown) => {
      this.ensured = undefined;
      throw error;
    });
    return { ...jet, ...(await this.ensured) };
  }
}

async function ensureLessons(jsm: JetStreamManager, kvm: Kvm, name: string): Promise<{ questions: KV }> {
  const names = lessonNames(name);
  await addOrKeep(() =>
    jsm.streams.add({
      name: names.stream,
      subjects: [names.subject],
      storage: StorageType.File,
      duplicate_window: nanos(QUESTION_TTL_MS),
      max_msgs: MAX_LESSONS,
      max_bytes: MAX_LOG_BYTES,
      discard: DiscardPolicy.Old,
    }),
  );
  return { questions: await kvm.create(names.questions, { history: 1, ttl: QUESTION_TTL_MS }) };
}
