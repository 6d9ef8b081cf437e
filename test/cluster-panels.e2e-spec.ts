import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { PanelStream, signInAs } from './support/agent-panel-client.js';
import { AppProcess, freePort, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { fragment, turnEnd } from './support/events.js';
import { NatsServer, natsServerAvailable } from './support/nats-server.js';
import { metric, metricSum } from './support/probes.js';

const CLI = fileURLToPath(new URL('../dist/feedback/learning/learning-cli.js', import.meta.url));
const LEARNED = 'agent_assist_learned_cases';
const CONTACT_POLLS = 'agent_assist_cxone_requests_total{operation="active-contacts"';

const DEMO_AGENT = '1001';

/** Agent panels in cluster mode: signed in on one replica, open on any, fed by the leader's cards. */
describe('cluster mode: agent panels on any replica (real NATS JetStream)', () => {
  const nats = new NatsServer();
  const simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
  const replicas: AppProcess[] = [];
  let publicUrl = '';
  let cluster = '';
  let replicaEnv: (port: number) => Record<string, string>;

  const role = async (replica: AppProcess) => (await replica.getJson('/health/ready')).body.info?.cluster?.role;

  beforeAll(async () => {
    if (!natsServerAvailable()) {
      throw new Error('nats-server is not installed: `apt-get install nats-server` (.ci/run installs it when missing)');
    }
    await nats.start();
    await simulator.start();
    cluster = `e2e-panels-${randomBytes(3).toString('hex')}`;
    const ports = [await freePort(), await freePort()];
    // One public address for both, as behind a load balancer: the callback lands on replica 0.
    publicUrl = `http://127.0.0.1:${ports[0]}`;
    replicaEnv = (port) =>
      tenantEnv(simulator, {
        PORT: String(port),
        NATS_URL: nats.url,
        CLUSTER_NAME: cluster,
        CARD_SINKS: 'cxone,panel',
        PANEL_PUBLIC_URL: publicUrl,
        CXONE_ISSUER: simulator.issuer,
        PANEL_CONTACTS_POLL_MS: '500',
      });
    for (const port of ports) replicas.push(await new AppProcess(replicaEnv(port)).start());
    await Promise.all(replicas.map((replica) => replica.waitForReady(30_000)));
    await simulator.waitFor(async () => (await Promise.all(replicas.map(role))).includes('leader'), 10_000, 'a leader');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop().catch(() => undefined)));
    await simulator.stop();
    await nats.dispose();
  }, 60_000);

  it("signs in across replicas, shows the leader's cards on panels on both, and takes a verdict on the standby", async () => {
    const roles = await Promise.all(replicas.map(role));
    const leader = replicas[roles.indexOf('leader')]!;
    const standby = replicas[roles.indexOf('standby')]!;
    const contactId = 'cluster-panel-1';
    // Sign-in started on replica 1, its callback lands on replica 0 (the pending sign-in is shared); the
    // session is shared too, so panels on either replica take the same cookie.
    const { cookie, callbackUrl } = await signInAs(replicas[1]!, DEMO_AGENT);
    expect(callbackUrl.startsWith(`${replicas[0]!.baseUrl}/`)).toBe(true);
    simulator.send(fragment(contactId, 'hello'));
    for (const replica of [standby, leader]) {
      await simulator.waitFor(
        async () => {
          const response = await fetch(`${replica.baseUrl}/agent/session?contactId=${contactId}`, {
            headers: { cookie },
          });
          const body = (await response.json()) as { contact?: { access?: string } };
          return response.status === 200 && body.contact?.access === 'allowed';
        },
        10_000,
        `the session and contact known on port ${replica.port}`,
      );
    }
    // The contact-to-agent map is one for the cluster: the leader polls CXone, the standby reads NATS.
    expect(await metricSum(leader, CONTACT_POLLS)).toBeGreaterThan(0);
    expect(await metricSum(standby, CONTACT_POLLS)).toBe(0);
    const onStandby = await new PanelStream(`${standby.baseUrl}/agent/events?contactId=${contactId}`, {
      cookie,
    }).open();
    const onLeader = await new PanelStream(`${leader.baseUrl}/agent/events?contactId=${contactId}`, { cookie }).open();
    expect([onStandby.status, onLeader.status]).toEqual([200, 200]);

    simulator.send(fragment(contactId, 'I forgot my voicemail PIN and cannot get into my voicemail box'));
    simulator.send(turnEnd(contactId));
    const cardsOn = (panel: PanelStream) => panel.messages.find((m) => m.event === 'cards');
    await simulator.waitFor(() => cardsOn(onStandby) && cardsOn(onLeader), 10_000, 'the cards on both panels');
    expect(cardsOn(onStandby)!.data.cards[0].id).toBe('kb-tel-001');
    expect(cardsOn(onStandby)!.id).toBe(cardsOn(onLeader)!.id); // one numbering: reconnect anywhere

    const verdict = await fetch(`${standby.baseUrl}/agent/verdicts`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: publicUrl },
      body: JSON.stringify({ contactId, insightId: 'kb-tel-001', verdict: 'ACCEPTED' }),
    });
    expect(verdict.status).toBe(202);
    await simulator.waitFor(
      () => simulator.received.feedback.some((f: any) => f.body?.interactionId === contactId && f.status === 200),
      15_000,
      'the verdict at the training endpoint',
    );
    onStandby.close();
    onLeader.close();
  }, 60_000);

  // Follows the test above: the verdict it took on the standby is the lesson here.
  it('learns that verdict on every replica, a replica started afterwards too, and forgets it on a cluster-wide reset', async () => {
    const learnedEverywhere = (apps: AppProcess[], cases: number) => async () =>
      (await Promise.all(apps.map((app) => metric(app, LEARNED)))).every((value) => value === cases);
    await simulator.waitFor(learnedEverywhere(replicas, 1), 10_000, 'the verdict learned on both replicas');

    const late = await new AppProcess(replicaEnv(await freePort())).start();
    replicas.push(late);
    await late.waitForReady(30_000);
    await simulator.waitFor(learnedEverywhere([late], 1), 10_000, 'the lesson replayed on a new replica');

    const reset = spawnSync(process.execPath, [CLI, 'reset', '--yes'], {
      env: {
        PATH: process.env.PATH ?? '',
        IGNORE_ENV_FILE: 'true',
        FEEDBACK_STORE_PATH: late.storePath,
        NATS_URL: nats.url,
        CLUSTER_NAME: cluster,
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(reset.stderr).toBe('');
    expect(reset.stdout).toMatch(new RegExp(`reset \\(everything learned\\) logged for cluster "${cluster}"`));
    await simulator.waitFor(learnedEverywhere(replicas, 0), 10_000, 'the reset applied on every replica');
  }, 90_000);
});
