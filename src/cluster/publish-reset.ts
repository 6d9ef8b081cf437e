import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { CaseFilter } from '../feedback/learning/learned-verdicts.store.js';
import type { Lesson } from '../feedback/learning/shared-lessons.js';
import { describeNatsError } from './nats-client.js';
import { lessonNames } from './nats-shared-lessons.js';

const TIMEOUT_MS = 5000;

/**
 * The operator's reset in cluster mode (`npm run learning -- reset … --yes` with NATS_URL set): one lesson
 * in the cluster's log, so every replica forgets the same cases at the same point of its learning, the
 * ones starting later included. Resolves with the lesson's place in the log; rejects with a message that
 * names no server or credential.
 */
export async function publishReset(servers: string[], clusterName: string, filter: CaseFilter): Promise<number> {
  const lesson: Lesson = { kind: 'reset', filter, at: Date.now() };
  let connection;
  try {
    connection = await connect({
      servers,
      timeout: TIMEOUT_MS,
      name: 'learning-cli',
    });
    const ack = await jetstream(connection, { timeout: TIMEOUT_MS }).publish(
      lessonNames(clusterName).subject,
      JSON.stringify(lesson),
    );
    return ack.seq;
  } catch (error) {
    throw new Error(`the reset was not logged for the cluster: ${describeNatsError(error)}`, { cause: error });
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
