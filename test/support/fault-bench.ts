import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { CxoneSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './app-process.js';
import { bearersSeen } from './probes.js';

/**
 * The fault suites' one fixture: simulators and built services started on demand, each service with its
 * own feedback store, all stopped after the file. When they are stopped it checks that no service ever
 * logged the client secret or an access token, whatever went wrong.
 */
export class FaultBench {
  private readonly simulators: CxoneSimulator[] = [];
  private readonly apps: AppProcess[] = [];
  private readonly storePaths: string[] = [];
  /** Bearer tokens a simulator saw before a reset cleared its records, for the log scan. */
  private readonly tokensSeen = new Set<string>();

  async simulator(options: Partial<SimulatorOptions> = {}): Promise<CxoneSimulator> {
    const simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, ...options });
    this.simulators.push(simulator);
    await simulator.start();
    return simulator;
  }

  /** A built service pointed at `simulator`, started and ready. */
  async app(simulator: CxoneSimulator, env: Record<string, string> = {}): Promise<AppProcess> {
    // Its own feedback store: delivered verdicts are remembered, and must not leak into another run.
    const storePath = mkdtempSync(join(tmpdir(), 'faults-e2e-feedback-'));
    this.storePaths.push(storePath);
    const app = new AppProcess(tenantEnv(simulator, { FEEDBACK_STORE_PATH: storePath, ...env }));
    this.apps.push(app);
    await app.start();
    await app.waitForReady();
    return app;
  }

  /** Call before `simulator.reset()`: the tokens it saw still must not appear in any log. */
  rememberTokens(simulator: CxoneSimulator): void {
    for (const token of bearersSeen(simulator)) this.tokensSeen.add(token);
  }

  async close(): Promise<void> {
    for (const app of this.apps) await app.stop().catch(() => undefined);
    for (const simulator of this.simulators) this.rememberTokens(simulator);
    for (const simulator of this.simulators) await simulator.stop();
    for (const path of this.storePaths) rmSync(path, { recursive: true, force: true });
  }

  expectNoSecretsLogged(): void {
    expect(this.tokensSeen.size, 'tokens were seen, so the scan means something').toBeGreaterThanOrEqual(1);
    for (const app of this.apps) {
      const logs = app.logs;
      expect(logs).not.toContain(TEST_CLIENT_SECRET);
      expect(logs).not.toMatch(/access_token=/);
      for (const token of this.tokensSeen) expect(logs.includes(token), 'an access token in the logs').toBe(false);
    }
  }
}

/** A FaultBench for one test file: closed, and its logs scanned for secrets, after the file. */
export function useFaultBench(): FaultBench {
  const bench = new FaultBench();
  afterAll(async () => {
    await bench.close();
    bench.expectNoSecretsLogged();
  });
  return bench;
}
