import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ProbeReport {
  probes: number;
  failures: number;
  maxMs: number;
  p99Ms: number;
}

/**
 * Probes a URL every `everyMs` from a process of its own, so what it measures is the service's answer
 * time, not this test process's own event loop (busy sending a flood and answering the searches).
 */
const PROBER = `
const [url, everyMs] = [process.argv[1], Number(process.argv[2])];
const times = []; let failures = 0; let running = true;
process.on('SIGTERM', () => { running = false; });
// The first fetch of a process loads its HTTP client and opens the connection: not the service's time.
await fetch(url).then((response) => response.arrayBuffer()).catch(() => undefined);
while (running) {
  const startedAt = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10000) });
    await response.arrayBuffer();
    if (response.status !== 200) failures++;
  } catch { failures++; }
  times.push(performance.now() - startedAt);
  await new Promise((resolve) => setTimeout(resolve, everyMs));
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0;
process.stdout.write(JSON.stringify({ probes: times.length, failures, maxMs: Math.round(at(1)), p99Ms: Math.round(at(0.99)) }));
`;

export function startLiveProber(url: string, everyMs = 20): { stop(): Promise<ProbeReport> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROBER, url, String(everyMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      return JSON.parse(output) as ProbeReport;
    },
  };
}
