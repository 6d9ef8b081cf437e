import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { sleep } from './app-process.js';

const SIMULATOR_MAIN = fileURLToPath(new URL('../../dist/simulator/main.js', import.meta.url));

/** The built standalone simulator (`dist/simulator/main.js`) as a child process, with its log captured. */
export class SimulatorProcess {
  readonly output: string[] = [];
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(private readonly env: Record<string, string>) {}

  get logs(): string {
    return this.output.join('');
  }

  /** The log lines that match. */
  lines(pattern: RegExp): string[] {
    return this.logs.split('\n').filter((line) => pattern.test(line));
  }

  start(): this {
    const child = spawn(process.execPath, [SIMULATOR_MAIN], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
    return this;
  }

  /** Until a log line matches (resolves with the first such line), failing early if the process exits. */
  async waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return (await this.waitForLines(pattern, 1, timeoutMs))[0];
  }

  /** Until at least `count` log lines match (resolves with them), failing early if the process exits. */
  async waitForLines(pattern: RegExp, count: number, timeoutMs = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const lines = this.lines(pattern);
      if (lines.length >= count) return lines;
      if (this.child?.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(`fewer than ${count} simulator log line(s) matched ${pattern} in ${timeoutMs} ms:\n${this.logs}`);
  }

  /** The exit code, or a timeout error (the process is then killed). */
  async exitCode(timeoutMs = 10_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`simulator still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited!, timeout]);
    } catch (error) {
      this.child?.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exitCode(timeoutMs);
  }
}
