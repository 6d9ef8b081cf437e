#!/usr/bin/env node
// `npm run bench` (builds first). Drives the built service, as a separate process, through the in-repo
// CXone simulator and writes docs/benchmarks.md + docs/benchmarks-chart.svg. Not part of `npm test`.
//
//   node bench/run.mjs [--mode all|load|compare|memory|ingest|flood|panels] [--panels 2000] [--compare-levels 1000] [--levels 10,100,1000,2000] [--duration 20]
//                      [--warmup 3] [--latency 0] [--turns-per-call 4] [--idle 20000]
//                      [--ingest-step 4] [--rates 10000,25000,50000,75000] [--cpu-prof] [--no-report]
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';

// A private copy of dist/ (under node_modules/.cache, so packages still resolve and lint skips it): a rebuild running meanwhile
// (tests, other work) must not pull the service or the simulator out from under a long run.
const SNAPSHOT = fileURLToPath(new URL('../node_modules/.cache/assist-bench/dist/', import.meta.url));
if (
  process.env.BENCH_KEEP_SNAPSHOT !== '1' &&
  !existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)))
) {
  console.error('dist/main.js missing: run `npm run build` first (or use `npm run bench`)');
  process.exit(1);
}
// BENCH_KEEP_SNAPSHOT=1 reuses the previous copy (e.g. to measure a hand-patched build without src changes).
if (process.env.BENCH_KEEP_SNAPSHOT !== '1') {
  rmSync(SNAPSHOT, { recursive: true, force: true });
  cpSync(fileURLToPath(new URL('../dist/', import.meta.url)), SNAPSHOT, { recursive: true });
}
const { runIngest, runMemory } = await import('./lib/capacity.mjs');
const { runLoadLevel } = await import('./lib/load.mjs');
const { REFERENCE_MAIN } = await import('./lib/service.mjs');
const { runFlood } = await import('./lib/flood.mjs');
const { runPanels } = await import('./lib/panels.mjs');
const { writeReport } = await import('./lib/report.mjs');
const { buildScript } = await import('./lib/script.mjs');

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'all' },
    levels: { type: 'string', default: '10,100,1000,2000' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    latency: { type: 'string', default: '0' },
    'turns-per-call': { type: 'string', default: '4' },
    idle: { type: 'string', default: '20000' },
    'ingest-step': { type: 'string', default: '4' },
    rates: { type: 'string', default: '10000,25000,50000,75000' },
    'cpu-prof': { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
    panels: { type: 'string', default: '2000' },
    'compare-levels': { type: 'string', default: '1000' },
  },
});

const RESULTS = fileURLToPath(new URL('../node_modules/.cache/assist-bench/latest.json', import.meta.url));
const PROFILES = fileURLToPath(new URL('../node_modules/.cache/assist-bench/profiles/', import.meta.url));
mkdirSync(PROFILES, { recursive: true });
const cpuProfDir = args['cpu-prof'] ? PROFILES : undefined;
const mode = args.mode;
// `--mode report` only rewrites docs/ from the last results.
const modes = mode === 'all' ? ['load', 'compare', 'memory', 'ingest', 'flood', 'panels'] : mode.split(',');
const results = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : { load: {} };
results.load ??= {};
const measuring = ['load', 'compare', 'memory', 'ingest', 'flood', 'panels'].some((m) => modes.includes(m));
if (measuring) {
  results.loadAverage = { start: loadavg() };
  results.command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
}
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : String(n));
const turnsPerCall = Number(args['turns-per-call']);
/** The load every load-shaped mode plays: only the conversations, the turn shape and the process differ. */
const loadSettings = () => ({
  durationS: Number(args.duration),
  warmupS: Number(args.warmup),
  latencyMs: Number(args.latency),
  script: buildScript({ turnsPerCall }),
  turnsPerCall,
});

if (modes.includes('load')) {
  const load = loadSettings();
  for (const conversations of args.levels.split(',').map(Number)) {
    process.stdout.write(`load: ${conversations} conversations, ${args.duration} s... `);
    const r = await runLoadLevel({ ...load, conversations, cpuProfDir });
    r.simLatencyMs = Number(args.latency);
    delete r.serviceLogTail;
    results.load[conversations] = r;
    console.log(
      `p50 ${fmt(r.p50)} p95 ${fmt(r.p95)} p99 ${fmt(r.p99)} max ${fmt(r.max)} ms; ${r.turns} turns, ${r.lost} lost, ` +
        `${r.unexpectedCards} unexpected; ${fmt(r.eventsPerS)} ev/s; service ${fmt(r.serviceCpuMsPer1kEvents, 1)} ms CPU/1k ev ` +
        `(${fmt(r.serviceCpuPct)}% of a core), RSS ${fmt(r.peakRssMb)} MB; bench ${fmt(r.benchCpuPct)}% CPU, ` +
        `loop lag p99 ${fmt(r.benchLoopLagP99Ms, 1)} ms`,
    );
  }
}

// The service beside the plain-Node reference (bench/reference), same load, one after the other, both
// turn shapes: the ratios are the targets of the performance issue.
if (modes.includes('compare')) {
  const load = loadSettings();
  results.compare = {};
  for (const shape of ['turn-end', 'silence']) {
    for (const conversations of args['compare-levels'].split(',').map(Number)) {
      const pair = {};
      for (const [impl, main] of [
        ['service', undefined],
        ['reference', REFERENCE_MAIN],
      ]) {
        process.stdout.write(`compare: ${impl}, ${shape} shape, ${conversations} conversations... `);
        const r = await runLoadLevel({
          ...load,
          conversations,
          shape,
          main,
          cpuProfDir: impl === 'service' ? cpuProfDir : undefined,
        });
        delete r.serviceLogTail;
        delete r.serviceCounters;
        pair[impl] = r;
        console.log(
          `p50 ${fmt(r.p50)} p95 ${fmt(r.p95)} p99 ${fmt(r.p99)} ms; ${r.turns} turns, ${r.lost} lost; ` +
            `${fmt(r.serviceCpuMsPer1kEvents, 1)} ms CPU/1k ev; RSS ${fmt(r.peakRssMb)} MB`,
        );
      }
      const { service: sv, reference: rf } = pair;
      pair.ratios = {
        p99: sv.p99 / rf.p99,
        cpu: sv.serviceCpuMsPer1kEvents / rf.serviceCpuMsPer1kEvents,
        rss: sv.peakRssMb / rf.peakRssMb,
      };
      console.log(
        `  ratios (service / reference): p99 ${fmt(pair.ratios.p99, 2)} (target <= 1.5), CPU ${fmt(pair.ratios.cpu, 2)} ` +
          `(target <= 1), peak RSS ${fmt(pair.ratios.rss, 2)} (target <= 1.5); lost ${sv.lost} vs ${rf.lost}`,
      );
      results.compare[`${shape}:${conversations}`] = { shape, conversations, ...pair };
    }
  }
}

if (modes.includes('memory')) {
  process.stdout.write(`memory: 2 x ${args.idle} idle buffered interactions... `);
  results.memory = await runMemory({ perStep: Number(args.idle), cpuProfDir });
  console.log(
    `${fmt(results.memory.kbPerInteraction, 2)} KB per interaction (RSS ${results.memory.rssMb.map((m) => fmt(m)).join(' -> ')} MB)`,
  );
}

if (modes.includes('ingest')) {
  console.log('ingest: offered rates, then as fast as the socket drains...');
  results.ingest = await runIngest({
    stepS: Number(args['ingest-step']),
    rates: args.rates.split(',').map(Number),
    cpuProfDir,
  });
  for (const s of results.ingest.steps) {
    console.log(
      `  offered ${s.offered}: sent ${fmt(s.sentPerS)}/s, processed ${fmt(s.processedPerS)}/s, service ${fmt(s.serviceCpuPct)}% CPU ` +
        `(${fmt(s.eventsPerCpuS)} ev per CPU-s), bench ${fmt(s.benchCpuPct)}% CPU`,
    );
  }
}

if (modes.includes('flood')) {
  process.stdout.write('flood: 20,000 interactions that say two words and never end... ');
  const r = (results.flood = await runFlood({ cpuProfDir }));
  console.log(
    `peak RSS ${fmt(r.peakRssMb)} MB; /health/live max ${fmt(r.live.maxMs)} ms, p99 ${fmt(r.live.p99Ms)} ms ` +
      `(${r.live.probes} probes, ${r.live.failures} failed); settled in ${r.settledMs} ms; ${r.searched} searched, ${r.shed} shed`,
  );
}

if (modes.includes('panels')) {
  process.stdout.write(`panels: ${args.panels} agent panels open, 20 per contact... `);
  const r = (results.panels = await runPanels({ panels: Number(args.panels), perContact: 20 }));
  console.log(
    `${fmt(r.kbPerPanel, 1)} KB per open panel (RSS ${r.rssMb.map((m) => fmt(m)).join(' -> ')} MB); ` +
      `${fmt(r.cpuMsPerPanelEvent * 1000, 0)} µs CPU per card event delivered to a panel ` +
      `(${r.delivered} of ${r.expectedDeliveries} delivered; turn ${fmt(r.turnCpuMsWithout, 2)} -> ${fmt(r.turnCpuMsWith, 2)} ms CPU)`,
  );
}

if (measuring) results.loadAverage.end = loadavg();
writeFileSync(RESULTS, JSON.stringify(results, null, 2));
if (!args['no-report']) {
  const files = writeReport(results, args);
  console.log(`wrote ${files.join(', ')}`);
}
