import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator, DEFAULT_ACCESS_KEY, DEFAULT_EXPERT, DEFAULT_TENANT_ID } from '../src/simulator/index.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, verdict } from './support/events.js';
import { acceptedPush, askFor, bearersSeen, readiness } from './support/probes.js';

/**
 * The real CXone profile end to end (CXONE_AUTH=access-key, KB_PROVIDER=expert) against the simulator:
 * OIDC discovery, the password and refresh grants, id_tokens checked against its JWKS, the API host from
 * cxone-configuration (CXONE_API_BASE_URL unset), knowledge from its Expert site. The access key secret
 * comes from a file, as in a deployment.
 */
const secretDir = mkdtempSync(join(tmpdir(), 'access-key-e2e-'));
const simulators: CxoneSimulator[] = [];
const apps: AppProcess[] = [];

async function startTenant(tokenTtlSeconds?: number): Promise<{ simulator: CxoneSimulator; app: AppProcess }> {
  const simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, tokenTtlSeconds });
  simulators.push(simulator);
  await simulator.start();
  const secretFile = join(secretDir, `access-key-secret-${simulators.length}`);
  writeFileSync(secretFile, `${DEFAULT_ACCESS_KEY.secret}\n`, { mode: 0o600 });
  const { CXONE_API_BASE_URL: _tutorialApiHost, ...env } = tenantEnv(simulator, {
    CXONE_AUTH: 'access-key',
    CXONE_ISSUER: simulator.issuer,
    CXONE_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY.id,
    CXONE_ACCESS_KEY_SECRET_FILE: secretFile,
    // The whole real profile: knowledge from the simulated CXone Expert site too.
    KB_PROVIDER: 'expert',
    EXPERT_SITE_URL: simulator.issuer,
    EXPERT_KEY: DEFAULT_EXPERT.key,
    EXPERT_SECRET: DEFAULT_EXPERT.secret,
    EXPERT_USER: DEFAULT_EXPERT.user,
  });
  const app = await new AppProcess(env).start();
  apps.push(app);
  await app.waitForReady();
  return { simulator, app };
}

/** The grants the token endpoint saw since `from`, with the status it answered. */
function grantsSince(simulator: CxoneSimulator, from = 0): string[] {
  return simulator.received.authTokens.slice(from).map((request) => `${request.body.grant_type} ${request.status}`);
}

async function metric(app: AppProcess, series: string): Promise<number> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

afterAll(async () => {
  try {
    for (const app of apps) expect(await app.stop()).toBe(0);
    for (const app of apps) {
      const tokens = simulators.flatMap((simulator) => [...bearersSeen(simulator)]);
      expect(tokens.length).toBeGreaterThan(0);
      for (const secret of [DEFAULT_ACCESS_KEY.secret, TEST_CLIENT_SECRET, ...tokens]) {
        expect(app.logs.includes(secret), 'a secret or token in the logs').toBe(false);
      }
      expect(app.logs).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
      expect(app.logs).not.toMatch(/refresh_token=|password=/);
    }
  } finally {
    for (const simulator of simulators) await simulator.stop();
    rmSync(secretDir, { recursive: true, force: true });
  }
});

describe('access-key sign-in (e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    ({ simulator, app } = await startTenant());
  });

  it('signs in through discovery with the access key and finds the API host of the tenant', async () => {
    expect(simulator.received.discovery.length).toBeGreaterThanOrEqual(1);
    expect(grantsSince(simulator)).toEqual(['password 200']);
    expect(simulator.received.authTokens[0].headers.authorization).toMatch(/^Basic /);
    expect(simulator.received.authTokens[0].body.username).toBe(DEFAULT_ACCESS_KEY.id);
    expect(simulator.received.jwks.length).toBeGreaterThanOrEqual(1);
    expect(simulator.received.cxoneConfigurations.map((request) => request.query.tenantId)).toEqual([
      DEFAULT_TENANT_ID,
    ]);
    // The tutorial's token call is not the sign-in here.
    expect(simulator.received.tokens).toHaveLength(0);
    expect(app.logs).toMatch(/Signed in with the password grant at 127\.0\.0\.1:\d+ as tenant 11eb0000-/);
  });

  it('gets cards for a turn from the Expert site and pushes them to the API host it found, and delivers a verdict', async () => {
    askFor(simulator, 'ak-turn-1');
    const push = await acceptedPush(simulator, 'ak-turn-1');
    expect(push.headers.authorization).toMatch(/^Bearer \S+/);
    const [card] = cardsFor(simulator, 'ak-turn-1')[0].body.insights;
    expect(card.id).toBe(`expert-${simulator.expertPageId('kb-tel-001')}`);
    expect(simulator.received.expertQueries.length).toBeGreaterThanOrEqual(1);

    simulator.send(verdict('ak-turn-1', card.id, true));
    const delivered = await simulator.waitFor(
      () => simulator.received.feedback.find((request) => request.body?.interactionId === 'ak-turn-1'),
      10_000,
      'the verdict delivered',
    );
    expect(delivered.body).toMatchObject({ insightId: card.id, action: 'ACCEPTED' });
  });
});

describe('access-key sign-in with 4-second tokens (e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    ({ simulator, app } = await startTenant(4));
  });

  it('renews ahead of expiry with the refresh grant and stays ready', async () => {
    await simulator.waitFor(() => simulator.received.authTokens.length >= 3, 15_000, 'two renewals');
    expect(grantsSince(simulator).slice(0, 3)).toEqual(['password 200', 'refresh_token 200', 'refresh_token 200']);
    expect((await readiness(app)).status).toBe(200);
    askFor(simulator, 'ak-short-1');
    await acceptedPush(simulator, 'ak-short-1');
  });

  it('signs in with the access key again when the refresh token is revoked', async () => {
    const from = simulator.received.authTokens.length;
    simulator.revokeRefreshTokens();
    await simulator.waitFor(() => grantsSince(simulator, from).includes('password 200'), 15_000, 'a password grant');
    expect(grantsSince(simulator, from).slice(0, 2)).toEqual(['refresh_token 400', 'password 200']);
    expect((await readiness(app)).token.valid).toBe(true);
    expect(app.logs).toMatch(
      /refused the refresh_token grant \(HTTP 400 invalid_grant\); signing in with the access key/,
    );
  });

  it('keeps signing in when the issuer rotates its signing key and drops the old one', async () => {
    const jwksBefore = simulator.received.jwks.length;
    const from = simulator.received.authTokens.length;
    await simulator.rotateSigningKey({ keepPrevious: false });
    await simulator.waitFor(() => grantsSince(simulator, from).length >= 2, 15_000, 'two renewals after rotation');
    expect(grantsSince(simulator, from).every((grant) => grant.endsWith(' 200'))).toBe(true);
    expect(simulator.received.jwks.length).toBe(jwksBefore + 1);
    expect((await readiness(app)).token.valid).toBe(true);
    expect(await metric(app, 'agent_assist_token_verification_failures_total{reason="unknown-key"}')).toBe(0);
    askFor(simulator, 'ak-rotated-1');
    await acceptedPush(simulator, 'ak-rotated-1');
  });

  it('goes unready with the reason when the id_token is tampered with, without crashing, and recovers', async () => {
    simulator.setIdTokenTampering('bad-signature');
    const down = await simulator.waitFor(
      async () => {
        const ready = await readiness(app);
        return ready.status === 503 && !ready.token.valid && ready;
      },
      15_000,
      'the token down',
    );
    expect(down.token).toMatchObject({ status: 'down', lastError: 'AUTH_ID_TOKEN_REJECTED' });
    expect(app.logs).toMatch(/id_token from 127\.0\.0\.1:\d+ rejected \(signature\)/);
    expect(await metric(app, 'agent_assist_token_verification_failures_total{reason="signature"}')).toBeGreaterThan(0);
    expect((await fetch(`${app.baseUrl}/health/live`)).status).toBe(200);

    simulator.setIdTokenTampering('none');
    await app.waitForReady(30_000);
    askFor(simulator, 'ak-recovered-1');
    await acceptedPush(simulator, 'ak-recovered-1');
  }, 60_000);
});
