import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigService } from '@nestjs/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsClient } from '../src/cluster/nats-client.js';
import { NatsCoordinationStore } from '../src/cluster/nats-coordination.store.js';
import { lessonNames, NatsSharedLessons } from '../src/cluster/nats-shared-lessons.js';
import type { StreamLease } from '../src/cluster/stream-lease.js';
import { Counters } from '../src/common/counters.js';
import type { AppConfig } from '../src/config/app-config.js';
import { FeedbackDatabase } from '../src/feedback/feedback-database.js';
import { LearnedVerdictsStore } from '../src/feedback/learning/learned-verdicts.store.js';
import { VerdictLearning } from '../src/feedback/learning/verdict-learning.service.js';
import { NatsServer, natsServerAvailable } from './support/nats-server.js';

const CLUSTER = 'e2e-learning';
const LESSONS = 23;

/**
 * The shared learning's compaction on a real `nats-server -js`: the leader snapshots its store every few
 * lessons and purges what the previous snapshot held; a replica starting afterwards finds the hole in the
 * log, restores the snapshot and follows the rest, ending with the same cases as the leader.
 */
describe('cluster mode: the lessons log compacted into snapshots (real NATS JetStream)', () => {
  const nats = new NatsServer();
  const clients: NatsClient[] = [];
  const learnings: VerdictLearning[] = [];
  const databases: FeedbackDatabase[] = [];

  const config = (storePath: string) =>
    ({
      get: (key: string) =>
        key === 'cluster'
          ? { enabled: true, servers: [nats.url], name: CLUSTER, leaseTtlMs: 3000 }
          : { storePath, maxPending: 1000, maxLearned: 1000 },
    }) as unknown as ConfigService<AppConfig, true>;

  /** One replica's learning on its own store and NATS connection, as the service wires it. */
  const replica = async (role: 'leader' | 'standby', compactEvery = 5) => {
    const settings = config(mkdtempSync(join(tmpdir(), 'cluster-learning-')));
    const client = new NatsClient(settings);
    client.onModuleInit();
    await client.firstConnection();
    const claims = new NatsCoordinationStore(client, settings);
    const shared = new NatsSharedLessons(client, new Counters(), { role } as unknown as StreamLease, claims);
    shared.compactEvery = compactEvery;
    const database = new FeedbackDatabase(settings);
    const learning = new VerdictLearning(database, new Counters(), settings, shared);
    learning.onModuleInit();
    clients.push(client);
    learnings.push(learning);
    databases.push(database);
    return { learning, store: new LearnedVerdictsStore(database, 1000), client };
  };
  const cases = (store: LearnedVerdictsStore) =>
    store
      .all()
      .map(({ terms, articleId, accepted, rejected }) => `${terms.join(' ')}/${articleId}:${accepted}-${rejected}`)
      .sort();
  const until = async (what: string, probe: () => boolean | Promise<boolean>) => {
    const deadline = Date.now() + 15_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    if (!natsServerAvailable()) {
      throw new Error('nats-server is not installed: `apt-get install nats-server` (.ci/run installs it when missing)');
    }
    await nats.start();
  }, 30_000);

  afterAll(async () => {
    for (const learning of learnings) learning.onApplicationShutdown();
    await Promise.all(clients.map((client) => client.onApplicationShutdown()));
    for (const database of databases) database.close();
    await nats.dispose();
  }, 30_000);

  it('restores a replica that starts after compaction to the same cases as the leader', async () => {
    const leader = await replica('leader');
    for (let call = 0; call < LESSONS; call++) {
      // Few distinct questions, so cases gather several verdicts each, accepted and rejected.
      leader.learning.cardsPushed(`call-${call}`, [`topic${call % 5}`, 'card'], [`kb-${call % 2}`]);
      leader.learning.learn({
        type: call % 4 === 0 ? 'INSIGHT_REJECTED' : 'INSIGHT_ACCEPTED',
        interactionId: `call-${call}`,
        insightId: `kb-${call % 2}`,
      });
      // One verdict at a time, as agents click: each lesson is applied before the next.
      await until(`lesson ${call + 1} applied`, () => leader.store.appliedSeq() === call + 1);
    }
    const { jsm } = await leader.client.ready();
    const names = lessonNames(CLUSTER);
    await until('the log compacted', async () => (await jsm.streams.info(names.stream)).state.first_seq > 1);
    const log = (await jsm.streams.info(names.stream)).state;
    const snapshots = (await jsm.streams.info(names.snapshots)).state;
    expect(log.last_seq).toBe(LESSONS);
    expect(snapshots.messages, 'older snapshots purged: one left, of one part').toBe(1);

    const late = await replica('standby');
    await until('the late replica caught up', () => late.store.appliedSeq() === LESSONS);

    expect(cases(late.store)).toEqual(cases(leader.store));
    expect(cases(late.store).length).toBeGreaterThan(3);
    console.log(
      `lessons log after compaction: ${log.first_seq}..${log.last_seq} of ${LESSONS}; ` +
        `the late replica restored ${late.store.size} case(s) and matches the leader`,
    );
  }, 60_000);
});
