import { randomUUID } from 'node:crypto';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { StoredCase } from '../feedback/learning/learned-verdicts.store.js';
import type { LearnedSnapshot } from '../feedback/learning/shared-lessons.js';
import { parseSnapshotPart, type SnapshotPart } from './lesson-codec.js';

/** Cases per message: 16 terms and an id each stay far below NATS's 1 MB payload. */
export const CASES_PER_PART = 1000;

export interface SnapshotNames {
  snapshots: string;
  snapshotSubject: string;
}

/**
 * Writes the snapshot as consecutive messages, each expecting the one before it on the subject, so a
 * second writer (two leaders for an instant) makes one of the two fail instead of interleaving them.
 * Older snapshots are purged once this one is complete.
 */
export async function writeSnapshot(
  js: JetStreamClient,
  jsm: JetStreamManager,
  names: SnapshotNames,
  snapshot: LearnedSnapshot,
): Promise<void> {
  const id = randomUUID();
  const parts = Math.max(1, Math.ceil(snapshot.cases.length / CASES_PER_PART));
  let previous = (await lastPart(jsm, names))?.seq ?? 0;
  let first = 0;
  for (let part = 0; part < parts; part++) {
    const cases = snapshot.cases.slice(part * CASES_PER_PART, (part + 1) * CASES_PER_PART).map(toRow);
    const body: SnapshotPart = { id, asOf: snapshot.seq, part, parts, cases };
    const ack = await js.publish(names.snapshotSubject, JSON.stringify(body), {
      expect: { lastSubjectSequence: previous },
    });
    previous = ack.seq;
    if (part === 0) first = ack.seq;
  }
  await jsm.streams.purge(names.snapshots, { seq: first });
}

/** The latest complete snapshot, or undefined when there is none (or it is being replaced: try again). */
export async function readLatestSnapshot(
  jsm: JetStreamManager,
  names: SnapshotNames,
): Promise<LearnedSnapshot | undefined> {
  const tail = await lastPart(jsm, names);
  if (!tail) return undefined;
  let end = tail.seq;
  let final = tail.part;
  // A snapshot being written ends before its first part: the complete one before it is still there.
  if (final && final.part !== final.parts - 1) {
    end = tail.seq - final.part - 1;
    const before = end > 0 ? await jsm.streams.getMessage(names.snapshots, { seq: end }) : null;
    final = before ? parseSnapshotPart(before.data) : undefined;
  }
  if (!final || final.part !== final.parts - 1) return undefined;

  const cases: StoredCase[] = [];
  for (let seq = end - final.parts + 1; seq <= end; seq++) {
    const message = await jsm.streams.getMessage(names.snapshots, { seq });
    const part = message ? parseSnapshotPart(message.data) : undefined;
    if (!part || part.id !== final.id || part.part !== seq - (end - final.parts + 1)) return undefined;
    for (const [terms, articleId, accepted, rejected, updatedAt] of part.cases) {
      cases.push({ terms: terms.split(' '), articleId, accepted, rejected, updatedAt });
    }
  }
  return { seq: final.asOf, cases };
}

/** The position the latest snapshot (or the one being written) stands for; 0 when there is none. */
export async function latestSnapshotSeq(jsm: JetStreamManager, names: SnapshotNames): Promise<number> {
  return (await lastPart(jsm, names))?.part?.asOf ?? 0;
}

async function lastPart(jsm: JetStreamManager, names: SnapshotNames) {
  const last = await jsm.streams.getMessage(names.snapshots, { last_by_subj: names.snapshotSubject });
  return last ? { seq: last.seq, part: parseSnapshotPart(last.data) } : undefined;
}

function toRow(learned: StoredCase): SnapshotPart['cases'][number] {
  return [learned.terms.join(' '), learned.articleId, learned.accepted, learned.rejected, learned.updatedAt];
}
