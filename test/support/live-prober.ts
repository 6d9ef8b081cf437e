import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface ProbeReport {
  probes: number;
  failures: number;
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
}

/** The bench's prober: probes from a process of its own, so this test process's own load does not count. */
const PROBER = fileURLToPath(new URL('../../bench/lib/live-prober.mjs', import.meta.url));

export function startLiveProber(url: string, everyMs = 20): { stop(): Promise<ProbeReport> } {
  const child = spawn(process.execPath, [PROBER, url, String(everyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      const report = JSON.parse(output) as ProbeReport;
      return { ...report, maxMs: Math.round(report.maxMs), p99Ms: Math.round(report.p99Ms) };
    },
  };
}
