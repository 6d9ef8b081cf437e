import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliverPolicy, DiscardPolicy, type JetStreamManager, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { Observable } from 'rxjs';
import { Counters } from '../common/counters.js';
import { onceSucceeded } from '../common/once-succeeded.js';
import type { LearnedSnapshot, Lesson, LogEntry, SharedLessons } from '../feedback/learning/shared-lessons.js';
import { ClusterErrorCode, ClusterException } from './cluster.exception.js';
import { claimKey } from './claimed-push.gate.js';
import { COORDINATION_STORE, type CoordinationStore } from './coordination-store.js';
import { addOrKeep } from './verdict-queue.js';
import { describeNatsError, NatsClient } from './nats-client.js';
import { parseLesson } from './lesson-codec.js';
import { latestSnapshotSeq, readLatestSnapshot, type SnapshotNames, writeSnapshot } from './learning-snapshots.js';
import { StreamLease } from './stream-lease.js';

/** A card's verdict comes within the call or soon after: its question is kept, and its first verdict told apart, this long. */
const QUESTION_TTL_MS = 2 * 60 * 60 * 1000;
/** The leader compacts the log this many lessons after its last snapshot (docs/cluster.md). */
export const COMPACT_EVERY = 10_000;
/** A safety bound only: compaction keeps the log near two intervals. */
const MAX_LESSONS = 1_000_000;
const MAX_LOG_BYTES = 256 * 1024 * 1024;
/** A consumer that failed (NATS away, stream recreated) is opened again after this pause. */
const RESUME_AFTER_MS = 1000;
const decoder = new TextDecoder();

export const lessonNames = (name: string) => ({
  stream: `${name}-lessons`,
  subject: `${name}.lessons`,
  snapshots: `${name}-learning-snapshots`,
  snapshotSubject: `${name}.learning.snapshots`,
});

/**
 * SharedLessons on JetStream: the stream `<CLUSTER_NAME>-lessons` is the one ordered log (deduplicated by
 * Nats-Msg-Id within two hours), each replica follows it with an ordered consumer from the position its
 * store recorded; the question a card was pushed for is the one kept with the card's claim.
 */
@Injectable()
export class NatsSharedLessons implements SharedLessons {
  private readonly logger = new Logger(NatsSharedLessons.name);
  private readonly ensured = onceSucceeded(async () => {
    const { jsm, name } = await this.nats.ready();
    await ensureLessons(jsm, name);
  });
  private compacting?: Promise<void>;
  private lastSnapshotSeq?: number;
  /** Lessons between two compactions; a field so a test can make it small. */
  compactEvery = COMPACT_EVERY;

  constructor(
    private readonly nats: NatsClient,
    private readonly counters: Counters,
    private readonly lease: StreamLease,
    @Inject(COORDINATION_STORE) private readonly store: CoordinationStore,
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

  follow(afterSeq: number): Observable<LogEntry> {
    return new Observable<LogEntry>((subscriber) => {
      let position = afterSeq;
      let stopped = false;
      let stop: (() => void) | undefined;
      const run = async (): Promise<void> => {
        while (!stopped) {
          try {
            await this.nats.firstConnection();
            const { js, jsm, name } = await this.open();
            const names = lessonNames(name);
            const consumer = await js.consumers.get(names.stream, {
              ...(position > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 } : {}),
            });
            const messages = await consumer.consume();
            stop = () => void messages.close();
            if (stopped) stop();
            let gapAt: number | undefined;
            for await (const message of messages) {
              // Sequences have no holes but those compaction (or the log's bound) cut.
              if (message.seq > position + 1) {
                gapAt = message.seq;
                break;
              }
              position = message.seq;
              const lesson = parseLesson(decoder.decode(message.data));
              if (lesson) subscriber.next({ seq: message.seq, lesson });
              else this.failed('malformed', `Lesson ${message.seq} of the cluster's log is malformed: skipped`);
            }
            if (gapAt !== undefined) {
              stop();
              position = await this.catchUp(jsm, names, position, gapAt, (entry) => subscriber.next(entry));
              continue;
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

  applied(seq: number, snapshot: () => Promise<LearnedSnapshot>): void {
    if (this.compacting || this.lease.role !== 'leader') return;
    if (this.lastSnapshotSeq !== undefined && seq - this.lastSnapshotSeq < this.compactEvery) return;
    this.compacting = this.compact(snapshot)
      .catch((error: unknown) =>
        this.failed('compact', `Compacting the cluster's lessons failed: ${describeNatsError(error)}`),
      )
      .finally(() => (this.compacting = undefined));
  }

  /**
   * The leader's compaction: a snapshot of its store (every case, as of the last lesson it applied), then
   * the lessons the previous snapshot already held are purged. One interval of lessons stays for replicas
   * a little behind; one further behind finds a hole and restores from the snapshot (catchUp).
   */
  private async compact(take: () => Promise<LearnedSnapshot>): Promise<void> {
    const { js, jsm, name } = await this.open();
    const names = lessonNames(name);
    this.lastSnapshotSeq ??= await latestSnapshotSeq(jsm, names);
    const previous = this.lastSnapshotSeq;
    const snapshot = await take();
    if (snapshot.seq - previous < this.compactEvery) return;
    await writeSnapshot(js, jsm, names, snapshot);
    this.lastSnapshotSeq = snapshot.seq;
    if (previous > 0) await jsm.streams.purge(names.stream, { seq: previous + 1 });
    this.logger.log(
      `Compacted the cluster's lessons: snapshot of ${snapshot.cases.length} case(s) at lesson ${snapshot.seq}` +
        (previous > 0 ? `, lessons up to ${previous} purged` : ''),
    );
  }

  /** Lessons after `position` were compacted away: the latest snapshot stands in for them. */
  private async catchUp(
    jsm: JetStreamManager,
    names: SnapshotNames,
    position: number,
    gapAt: number,
    emit: (entry: LogEntry) => void,
  ): Promise<number> {
    const snapshot = await readLatestSnapshot(jsm, names);
    if (snapshot && snapshot.seq > position) {
      emit({ snapshot });
      position = snapshot.seq;
    }
    if (position < gapAt - 1) {
      this.failed(
        'compacted',
        `Lessons ${position + 1} to ${gapAt - 1} are gone from the cluster's log and no snapshot holds them`,
      );
      position = gapAt - 1;
    }
    return position;
  }

  async questionOf(interactionId: string, articleId: string): Promise<readonly string[] | undefined> {
    try {
      return await this.store.claimedQuestion(claimKey(interactionId, articleId), QUESTION_TTL_MS);
    } catch (error) {
      this.counters.count('cluster_lesson_failures', { step: 'question' });
      throw new ClusterException(ClusterErrorCode.LessonsFailed, `question not read: ${describeNatsError(error)}`);
    }
  }

  private failed(step: 'malformed' | 'compact' | 'compacted', message: string): void {
    this.counters.count('cluster_lesson_failures', { step });
    this.logger.error(message);
  }

  private async open() {
    await this.ensured();
    return this.nats.ready();
  }
}

async function ensureLessons(jsm: JetStreamManager, name: string): Promise<void> {
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
  await addOrKeep(() =>
    jsm.streams.add({
      name: names.snapshots,
      subjects: [names.snapshotSubject],
      storage: StorageType.File,
      max_bytes: MAX_LOG_BYTES,
      discard: DiscardPolicy.Old,
    }),
  );
}
