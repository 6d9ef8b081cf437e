import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, sleep, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, ended, fragment, turnEnd, verdict } from './support/events.js';
import { NatsServer, natsServerAvailable } from './support/nats-server.js';
import { metric } from './support/probes.js';

const LEASE_TTL_MS = 3000;
const NOT_PUSHED = (cause: string) => `agent_assist_cluster_cards_not_pushed_total{cause="${cause}"}`;
const CLAIMED_BEFORE = NOT_PUSHED('claimed-before');
/** Questions with a card each; calls repeat them, so a new leader without the claims would push again. */
const QUESTIONS = [
  'I need to reset my voicemail PIN',
  'my flight was cancelled and I need to change my flight booking',
  'I want to dispute a card transaction I do not recognise',
  'how do I add checked baggage to my booking',
];

/**
 * Calls going on all the time: 6 at once, a turn every 200 ms round the calls. Each call asks the four
 * questions, then the first one again (a repeat: a single pod would not show its card twice, and a new
 * leader after a failover must not either), then ends, and a new call takes its place.
 */
class SteadyTraffic {
  /** Turns whose question is new to their call: each is due a card. */
  readonly firstAsked: { interactionId: string; sentAt: number }[] = [];
  sent = 0;
  readonly startedAt = Date.now();
  private running = true;
  private readonly done: Promise<void>;

  constructor(private readonly simulator: CxoneSimulator) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const calls = 6;
    const turnsPerCall = QUESTIONS.length + 1;
    for (let n = 0; this.running; n++) {
      const slot = n % calls;
      const turn = Math.floor(n / calls) % turnsPerCall;
      const generation = Math.floor(n / (calls * turnsPerCall));
      const interactionId = `cluster-call-${generation}-${slot}`;
      this.simulator.send(fragment(interactionId, QUESTIONS[turn % QUESTIONS.length]!));
      this.simulator.send(turnEnd(interactionId));
      if (turn < QUESTIONS.length) this.firstAsked.push({ interactionId, sentAt: Date.now() });
      if (turn === turnsPerCall - 1) this.simulator.send(ended(interactionId));
      this.sent++;
      await sleep(200);
    }
  }

  stop(): Promise<void> {
    this.running = false;
    return this.done;
  }

  /** First-asked turns with no card for their call within the 1.2 s before the call's next turn. */
  lost(simulator: CxoneSimulator): { interactionId: string; sentAt: number }[] {
    return this.firstAsked.filter(
      ({ interactionId, sentAt }) =>
        !simulator.received.cards.some(
          (push) => push.body?.interactionId === interactionId && push.at >= sentAt && push.at < sentAt + 1200,
        ),
    );
  }
}

async function readiness(replica: AppProcess): Promise<{ status: number; role?: string }> {
  try {
    const { status, body } = await replica.getJson('/health/ready');
    const cluster = body.details?.cluster ?? body.info?.cluster ?? body.error?.cluster;
    return { status, role: cluster?.role };
  } catch {
    return { status: 0 };
  }
}

/** Polls until `probe` resolves truthy; returns how long it took. */
async function within(ms: number, what: string, probe: () => Promise<boolean> | boolean): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await probe()) return Date.now() - started;
    await sleep(20);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Every (call, card) the tenant was asked to show more than once. */
function cardsPushedTwice(simulator: CxoneSimulator): string[] {
  const seen = new Map<string, number>();
  for (const push of simulator.received.cards) {
    for (const card of push.body?.insights ?? []) {
      const key = `${push.body.interactionId} ${card.id}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
}

describe('cluster mode: three replicas on real NATS JetStream', () => {
  const nats = new NatsServer();
  const simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
  let replicas: AppProcess[] = [];
  let env: Record<string, string> = {};
  const alive = new Set<AppProcess>();
  const leaders = async () => {
    const roles = await Promise.all([...alive].map(async (replica) => ({ replica, ...(await readiness(replica)) })));
    return roles.filter((r) => r.role === 'leader').map((r) => r.replica);
  };
  const oneLeader = async () => (await leaders()).length === 1 && simulator.openConnections() === 1;

  beforeAll(async () => {
    if (!natsServerAvailable()) {
      throw new Error('nats-server is not installed: `apt-get install nats-server` (.ci/run installs it when missing)');
    }
    await nats.start();
    await simulator.start();
    const cluster = `e2e-${randomBytes(3).toString('hex')}`;
    env = tenantEnv(simulator, {
      NATS_URL: nats.url,
      CLUSTER_NAME: cluster,
      CLUSTER_LEASE_TTL_MS: String(LEASE_TTL_MS),
      SHUTDOWN_DRAIN_MS: '2000',
      LOG_LEVEL: 'info',
    });
    replicas = await Promise.all([0, 1, 2].map(() => new AppProcess(env).start()));
    for (const replica of replicas) alive.add(replica);
    await Promise.all(replicas.map((replica) => replica.waitForReady(30_000)));
  }, 60_000);

  afterAll(async () => {
    for (const replica of replicas) replica.kill('SIGCONT');
    await Promise.all(replicas.map((replica) => replica.stop().catch(() => undefined)));
    await simulator.stop();
    await nats.dispose();
  }, 60_000);

  it('lets one replica read the stream; the others stand by, ready to take over', async () => {
    await within(10_000, 'one leader', oneLeader);
    const roles = await Promise.all(replicas.map(readiness));
    expect(roles.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(roles.map((r) => r.role).sort()).toEqual(['leader', 'standby', 'standby']);
    const [leader] = await leaders();
    expect(await metric(leader!, 'agent_assist_cluster_leader')).toBe(1);
    const standby = replicas.find((r) => r !== leader)!;
    expect(await metric(standby, 'agent_assist_cluster_leader')).toBe(0);
  });

  it('survives kill -9 of the leader, SIGTERM of the next, and a NATS restart, without a card twice', async () => {
    const traffic = new SteadyTraffic(simulator);
    await sleep(2000);
    const report: string[] = [];

    /** When the stream had no reader (or could not push): turns sent then may go without their card. */
    const gaps: { what: string; from: number; to: number }[] = [];
    const [first] = await leaders();
    const handshakes = simulator.acceptedHandshakes;
    const killedAt = Date.now();
    first!.kill('SIGKILL');
    alive.delete(first!);
    const crashTakeover = await within(15_000, 'a takeover after kill -9', async () => {
      return simulator.acceptedHandshakes > handshakes && (await oneLeader());
    });
    report.push(`takeover after kill -9 of the leader: ${crashTakeover} ms`);
    gaps.push({ what: 'kill -9', from: killedAt, to: killedAt + crashTakeover });
    expect(crashTakeover).toBeLessThan(5000 + 1000); // 5 s target, plus the probe's own lag
    await sleep(2000);

    const [second] = await leaders();
    const before = simulator.acceptedHandshakes;
    const terminatedAt = Date.now();
    const stopping = second!.stop();
    alive.delete(second!);
    const handover = await within(10_000, 'a handover after SIGTERM', () => simulator.acceptedHandshakes > before);
    report.push(`takeover after SIGTERM of the next leader: ${handover} ms`);
    gaps.push({ what: 'SIGTERM', from: terminatedAt, to: terminatedAt + handover });
    expect(await stopping).toBe(0);
    expect(handover).toBeLessThan(1000 + 500);
    await sleep(2000);

    const natsStoppedAt = Date.now();
    await nats.restart(1000);
    const natsBackAt = Date.now();
    const recovered = await within(20_000, 'a leader after NATS restarted', async () => {
      const [survivor] = [...alive];
      return (await readiness(survivor!)).status === 200 && (await oneLeader());
    });
    await sleep(3000);
    await traffic.stop();
    await sleep(3000); // the last turns' cards
    // Claims fail while JetStream is away (no card rather than maybe twice): cards resume with JetStream.
    const cardsAgainAt = simulator.received.cards.find((push) => push.at > natsBackAt)?.at ?? Infinity;
    report.push(
      `NATS restart (1 s down): leader and readiness back ${recovered} ms after it listened again, ` +
        `cards again after ${cardsAgainAt - natsBackAt} ms`,
    );
    gaps.push({ what: 'NATS restart', from: natsStoppedAt, to: cardsAgainAt });

    const lost = traffic.lost(simulator);
    // A turn sent up to one turn interval (1.2 s) before a gap may have been heard by the replica that went.
    const inGap = (sentAt: number) => gaps.find((gap) => sentAt >= gap.from - 1200 && sentAt <= gap.to);
    const total = async (series: string) =>
      (await Promise.all([...alive].map((r) => metric(r, series)))).reduce((a, b) => a + b, 0);
    const keptBack = await total(CLAIMED_BEFORE);
    const notPushed = `claim failed ${await total(NOT_PUSHED('claim-failed'))}, no lease ${await total(NOT_PUSHED('no-lease'))}`;
    const byGap = gaps.map(({ what }) => `${lost.filter((t) => inGap(t.sentAt)?.what === what).length} at ${what}`);
    report.push(
      `${traffic.sent} turns sent, ${traffic.firstAsked.length} due a card, ${lost.length} without one ` +
        `(${byGap.join(', ')}); ${simulator.received.cards.length} pushes; repeats kept back by a claim: ${keptBack}; ` +
        `cards kept back by the survivors otherwise: ${notPushed}`,
    );
    console.log(`cluster failover figures (this machine, one run):\n  ${report.join('\n  ')}`);
    expect(cardsPushedTwice(simulator)).toEqual([]);
    // The claims did work: a new leader proposed cards its predecessor had shown.
    expect(keptBack).toBeGreaterThan(0);
    // Outside the gaps every turn got its card.
    const unexplained = lost
      .filter((t) => !inGap(t.sentAt))
      .map(
        (t) =>
          `${t.interactionId} sent ${t.sentAt - traffic.startedAt} ms into the traffic (${new Date(t.sentAt).toISOString()})`,
      );
    const when = gaps.map((g) => `${g.what} ${g.from - traffic.startedAt}..${g.to - traffic.startedAt} ms`);
    const claimLog = [...alive].flatMap((r) =>
      r.logs.split('\n').filter((l) => l.includes('its claim failed') || l.includes('NATS') || l.includes('lease')),
    );
    expect(unexplained, `gaps: ${when.join(', ')}\n${claimLog.slice(-14).join('\n')}`).toEqual([]);
  }, 120_000);

  it('fences a leader paused past its lease: after SIGCONT it pushes nothing', async () => {
    const standby = await new AppProcess(env).start();
    replicas.push(standby);
    alive.add(standby);
    await standby.waitForReady(30_000);
    const [leader] = await leaders();
    expect(leader).not.toBe(standby);
    const pushedBefore = await metric(leader!, 'agent_assist_cards_pushed_total');
    const handshakes = simulator.acceptedHandshakes;
    // Work in hand when it freezes: a question buffered, its silence flush due 400 ms later (BUFFER_SILENCE_MS).
    simulator.send(fragment('cluster-paused', 'I need to reset my voicemail PIN'));
    await sleep(100);
    leader!.kill('SIGSTOP');
    await sleep(LEASE_TTL_MS);
    alive.delete(leader!);
    await within(15_000, 'a standby to take over from the paused leader', async () => {
      return simulator.acceptedHandshakes > handshakes && (await leaders()).length === 1;
    });
    leader!.kill('SIGCONT');
    alive.add(leader!);
    await within(10_000, 'the woken replica to stand by', async () => (await readiness(leader!)).role === 'standby');
    await sleep(2000);

    expect(await metric(leader!, 'agent_assist_cards_pushed_total')).toBe(pushedBefore);
    expect(await metric(leader!, 'agent_assist_cluster_cards_not_pushed_total{cause="no-lease"}')).toBeGreaterThan(0);
    expect(cardsFor(simulator, 'cluster-paused')).toEqual([]);
    expect(await metric(leader!, 'agent_assist_cluster_leader')).toBe(0);
    expect(cardsPushedTwice(simulator)).toEqual([]);
  }, 60_000);

  it('loses no verdict: one queued in JetStream reaches the training endpoint though the replica delivering it dies', async () => {
    const [leader] = await leaders();
    expect(alive.size).toBeGreaterThanOrEqual(2);
    simulator.setLatency('feedback', 2500); // deliveries in flight when the kill comes
    const ids = [0, 1, 2, 3, 4, 5].map((n) => `cluster-verdict-${n}`);
    for (const id of ids) simulator.send(verdict(id, 'kb-tel-001', true));
    await sleep(700); // stored by the leader, queued in JetStream, taken by the replicas' consumers
    const killedAt = Date.now();
    leader!.kill('SIGKILL');
    alive.delete(leader!);

    const delivered = (id: string) =>
      simulator.received.feedback.some((r: any) => r.body?.interactionId === id && r.status >= 200 && r.status < 300);
    const took = await within(45_000, 'every verdict delivered', () => ids.every(delivered));
    simulator.setLatency('feedback', 0);
    const cutShort = simulator.received.feedback.filter(
      (r: any) => ids.includes(r.body?.interactionId) && !(r.status >= 200 && r.status < 300),
    ).length;
    console.log(
      `cluster verdicts (this machine, one run): ${ids.length} of ${ids.length} delivered, the last ${took} ms after ` +
        `kill -9 of the replica that stored them; ${cutShort} delivery attempt(s) cut short by the kill and redelivered`,
    );
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(took);
  }, 90_000);
});
