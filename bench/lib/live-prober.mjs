#!/usr/bin/env node
// Probes a URL every `everyMs` from a process of its own (node bench/lib/live-prober.mjs URL [everyMs]), so
// what it measures is the service's answer time, not the event loop of whoever drives the load. On SIGTERM
// it prints {probes, failures, maxMs, p99Ms, p50Ms} as JSON. Used by the bench's flood mode and the e2e tests.
const [url, everyArg] = process.argv.slice(2);
const everyMs = Number(everyArg ?? 20);
const times = [];
let failures = 0;
let running = true;
process.on('SIGTERM', () => (running = false));
// The first fetch of a process loads its HTTP client and opens the connection: not the service's time.
await fetch(url)
  .then((response) => response.arrayBuffer())
  .catch(() => undefined);
while (running) {
  const startedAt = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    if (response.status !== 200) failures++;
  } catch {
    failures++;
  }
  times.push(performance.now() - startedAt);
  await new Promise((resolve) => setTimeout(resolve, everyMs));
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0;
process.stdout.write(JSON.stringify({ probes: times.length, failures, maxMs: at(1), p99Ms: at(0.99), p50Ms: at(0.5) }));
