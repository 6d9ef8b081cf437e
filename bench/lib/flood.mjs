// A flood of calls that never end: 20,000 interactions each say two words in bursts of 1,000 every 20 ms
// (BUFFER_SILENCE_MS=1000, BUFFER_MAX_MS=3000). Peak RSS, liveness answer times from a separate process,
// and what was searched or shed. Targets (issue 9): RSS < 400 MB, /health/live within 100 ms throughout.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CxoneSimulator } from '../../node_modules/.cache/assist-bench/dist/simulator/index.js';
import { CLIENT_ID, CLIENT_SECRET, ServiceProcess } from './service.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const WORDS = ['voicemail pin', 'roaming abroad', 'slow broadband', 'card lost', 'bill wrong', 'order late'];

const PROBER = fileURLToPath(new URL('./live-prober.mjs', import.meta.url));

function startProber(url) {
  const child = spawn(process.execPath, [PROBER, url, '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return {
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      return JSON.parse(out);
    },
  };
}

export async function runFlood({ interactions = 20_000, burst = 1000, cpuProfDir } = {}) {
  const simulator = new CxoneSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  await simulator.start();
  const env = { BUFFER_SILENCE_MS: '1000', BUFFER_MAX_MS: '3000', BUFFER_MAX_INTERACTIONS: '20000' };
  const service = await new ServiceProcess(simulator, env, { cpuProfDir }).start();
  try {
    const baselineMb = service.memoryKb().rssKb / 1024;
    let peakKb = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakKb = Math.max(peakKb, service.memoryKb().rssKb);
        await sleep(20);
      }
    })();
    const prober = startProber(`${service.baseUrl}/health/live`);
    await sleep(300);
    const cpuBefore = service.cpuMs();
    const startedAt = Date.now();
    for (let first = 0; first < interactions; first += burst) {
      for (let i = first; i < Math.min(first + burst, interactions); i++) {
        simulator.send({
          type: 'TRANSCRIPT_FRAGMENT',
          interactionId: `flood-${i}`,
          speaker: 'CUSTOMER',
          text: WORDS[i % WORDS.length],
        });
      }
      await sleep(20);
    }
    let pipeline;
    const deadline = Date.now() + 120_000;
    for (;;) {
      pipeline = await service.pipeline();
      if ((pipeline.utterances?.silence ?? 0) >= interactions && pipeline.searchesQueued === 0) break;
      if (Date.now() > deadline) throw new Error('the flood did not settle in 120 s');
      await sleep(100);
    }
    const settledMs = Date.now() - startedAt;
    const cpuMs = service.cpuMs() - cpuBefore;
    await sleep(500);
    const live = await prober.stop();
    sampling = false;
    await sampler;
    const counters = pipeline.counters ?? {};
    const sum = (prefix) =>
      Object.entries(counters)
        .filter(([name]) => name.startsWith(prefix))
        .reduce((total, [, n]) => total + n, 0);
    return {
      interactions,
      baselineMb,
      peakRssMb: peakKb / 1024,
      settledMs,
      serviceCpuMs: cpuMs,
      live,
      searched: counters['cxone_requests{operation="knowledge-search",outcome="success"}'] ?? 0,
      shed: sum('searches_shed'),
      shedByCause: Object.fromEntries(Object.entries(counters).filter(([name]) => name.startsWith('searches_shed'))),
      droppedLate: sum('cards_dropped_late'),
    };
  } finally {
    await service.stop();
    await simulator.stop();
  }
}
