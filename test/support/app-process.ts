import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CxoneSimulator } from '../../src/simulator/index.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export const TEST_CLIENT_ID = 'e2e-client';
export const TEST_CLIENT_SECRET = 'e2e-secret-Zq8v1';

/** A free loopback port for the service under test. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Environment pointing the service at a simulator, with test-sized buffer timings. */
export function tenantEnv(simulator: CxoneSimulator, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    CXONE_CLIENT_ID: TEST_CLIENT_ID,
    CXONE_CLIENT_SECRET: TEST_CLIENT_SECRET,
    CXONE_TOKEN_URL: simulator.tokenUrl,
    CXONE_API_BASE_URL: simulator.baseUrl,
    CXONE_STREAM_URL: simulator.streamUrl,
    BUFFER_SILENCE_MS: '400',
    BUFFER_MAX_MS: '2000',
    ...overrides,
  };
}

/**
 * The built service (`dist/main.js`) as a child process, exactly as deployed: its own env, real
 * sockets, logs captured for assertions.
 */
export class AppProcess {
  readonly output: string[] = [];
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  port = 0;
  /** The feedback store directory it runs with (set by start). */
  storePath = '';

  constructor(private readonly env: Record<string, string>) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The child's process id once started (e.g. to read `/proc/<pid>/status`). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logs(): string {
    return this.output.join('');
  }

  async start(): Promise<this> {
    this.port = this.env.PORT ? Number(this.env.PORT) : await freePort();
    // Each app its own feedback store unless a test shares one on purpose (restarts): a store remembers
    // delivered verdicts, which would turn a later run's verdicts into duplicates.
    const storePath = this.env.FEEDBACK_STORE_PATH ?? mkdtempSync(join(tmpdir(), 'assist-e2e-feedback-'));
    this.storePath = storePath;
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        IGNORE_ENV_FILE: 'true',
        LOG_LEVEL: 'debug',
        SANDBOX_DEMO: 'false',
        PORT: String(this.port),
        FEEDBACK_STORE_PATH: storePath,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
    return this;
  }

  /** Resolves with the exit code; for start-up failures. */
  exitCode(timeoutMs = 20_000): Promise<number | null> {
    return withTimeout(this.exited!, timeoutMs, 'the service to exit');
  }

  async waitForReady(timeoutMs = 20_000): Promise<void> {
    await this.waitForStatus('/health/ready', 200, timeoutMs);
  }

  async waitForStatus(path: string, status: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`service exited early:\n${this.logs}`);
      try {
        const response = await fetch(`${this.baseUrl}${path}`);
        last = `${response.status} ${await response.text()}`;
        if (response.status === status) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${path} to answer ${status}; last: ${last}\n${this.logs}`);
  }

  async getJson(path: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}${path}`);
    return { status: response.status, body: await response.json() };
  }

  /** Sends a signal and returns at once (SIGKILL: the crash no shutdown hook sees). */
  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** SIGTERM, then the exit code. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    try {
      return await this.exitCode(timeoutMs);
    } catch (error) {
      this.child.kill('SIGKILL');
      throw error;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
