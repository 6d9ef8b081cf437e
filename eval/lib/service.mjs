// The built service as a child process (as deployed), started from a private copy of dist/, against the
// in-repo simulator loaded from that same copy.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CLIENT_ID = 'eval-client';
export const CLIENT_SECRET = 'eval-secret-R4t8';

/**
 * Copies dist/ to a fresh temporary directory (with node_modules linked beside it so packages resolve): a
 * rebuild meanwhile (tests, other work) cannot swap the service or the simulator out from under a run.
 */
export function snapshotDist() {
  const dist = join(REPO, 'dist');
  if (!existsSync(join(dist, 'main.js'))) throw new Error('dist/main.js missing: run `npm run build` first');
  const root = mkdtempSync(join(tmpdir(), 'assist-eval-'));
  cpSync(dist, join(root, 'dist'), { recursive: true });
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(root, 'node_modules'), 'dir');
  return {
    main: join(root, 'dist', 'main.js'),
    /** The simulator's module, from the copy. */
    simulatorModule: () => import(pathToFileURL(join(root, 'dist', 'simulator', 'index.js')).href),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

export class ServiceProcess {
  constructor(main, simulator, env = {}) {
    this.main = main;
    this.simulator = simulator;
    this.env = env;
    this.tail = [];
    this.warnLines = 0;
  }

  async start() {
    this.port = await freePort();
    // A fresh store per service: no verdict from an earlier run may reach this one.
    this.storePath = mkdtempSync(join(tmpdir(), 'assist-eval-feedback-'));
    this.child = spawn(process.execPath, [this.main], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        IGNORE_ENV_FILE: 'true',
        SANDBOX_DEMO: 'false',
        LOG_LEVEL: 'warn',
        PORT: String(this.port),
        FEEDBACK_STORE_PATH: this.storePath,
        CXONE_CLIENT_ID: CLIENT_ID,
        CXONE_CLIENT_SECRET: CLIENT_SECRET,
        CXONE_TOKEN_URL: this.simulator.tokenUrl,
        CXONE_API_BASE_URL: this.simulator.baseUrl,
        CXONE_STREAM_URL: this.simulator.streamUrl,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        if (/"level":(40|50|60)/.test(line)) this.warnLines++;
        this.tail.push(line);
        if (this.tail.length > 50) this.tail.shift();
      }
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.exited = once(this.child, 'exit').then(([code]) => code);
    await this.waitForReady();
    return this;
  }

  async waitForReady(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`service exited early:\n${this.tail.join('\n')}`);
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/health/ready`);
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`service not ready in ${timeoutMs} ms:\n${this.tail.join('\n')}`);
  }

  async stop() {
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.storePath) rmSync(this.storePath, { recursive: true, force: true });
  }
}
