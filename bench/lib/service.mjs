// The built service (dist/main.js) as a separate process, as deployed, plus OS-level readings of it.
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../node_modules/.cache/assist-bench/dist/main.js', import.meta.url));
/** The ~200-line plain-Node implementation of the same contract: the floor the service is compared with. */
export const REFERENCE_MAIN = fileURLToPath(new URL('../reference/plain-node-assist.mjs', import.meta.url));
export const CLIENT_ID = 'bench-client';
export const CLIENT_SECRET = 'bench-secret-7Kq2';

let clockTicks;
/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK, read once). */
export function clkTck() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process, in ms. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clkTck();
}

/** { rssKb, hwmKb } from /proc/<pid>/status. */
export function memoryKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const read = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: read('VmRSS'), hwmKb: read('VmHWM') };
}

export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

export class ServiceProcess {
  /** `main`: the script to run (the service's dist/main.js, or the plain-Node reference). */
  constructor(simulator, env = {}, { cpuProfDir, main = MAIN } = {}) {
    this.main = main;
    this.simulator = simulator;
    this.env = env;
    this.cpuProfDir = cpuProfDir;
    this.tail = [];
    this.warnLines = 0;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.port = this.env.PORT ? Number(this.env.PORT) : await freePort();
    this.storePath = mkdtempSync(join(tmpdir(), 'assist-bench-feedback-'));
    const nodeArgs = this.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${this.cpuProfDir}`] : [];
    // BENCH_NODE_ARGS: extra V8/Node flags for a what-if run (e.g. --max-semi-space-size=8).
    if (process.env.BENCH_NODE_ARGS) nodeArgs.push(...process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean));
    this.child = spawn(process.execPath, [...nodeArgs, this.main], {
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
        BUFFER_MAX_INTERACTIONS: '1000000',
        KB_QUERY_SPEAKERS: 'CUSTOMER',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        if (/warn|"level":40/i.test(line)) this.warnLines++;
        this.tail.push(line);
        if (this.tail.length > 200) this.tail.shift();
      }
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.exited = once(this.child, 'exit').then(([code]) => code);
    await this.waitForReady();
    return this;
  }

  get pid() {
    return this.child.pid;
  }

  async waitForReady(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`service exited early:\n${this.tail.join('\n')}`);
      try {
        const response = await fetch(`${this.baseUrl}/health/ready`);
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`service not ready in ${timeoutMs} ms:\n${this.tail.join('\n')}`);
  }

  /** details.pipeline of /health/ready (interactions, counters...). */
  async pipeline() {
    const response = await fetch(`${this.baseUrl}/health/ready`);
    const body = await response.json();
    return body?.details?.pipeline ?? body?.info?.pipeline ?? {};
  }

  async streamEvents() {
    const counters = (await this.pipeline()).counters ?? {};
    let total = 0;
    for (const [name, value] of Object.entries(counters)) if (name.startsWith('stream_events')) total += value;
    return total;
  }

  cpuMs() {
    return cpuMs(this.pid);
  }

  memoryKb() {
    return memoryKb(this.pid);
  }

  async stop() {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.storePath, { recursive: true, force: true });
  }
}
