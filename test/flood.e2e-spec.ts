import { beforeAll, describe, expect, it } from 'vitest';
import type { CxoneSimulator } from '../src/simulator/index.js';
import { type AppProcess, sleep } from './support/app-process.js';
import { fragment } from './support/events.js';
import { useFaultBench } from './support/fault-bench.js';
import { startLiveProber } from './support/live-prober.js';
import { acceptedPush, askFor, counter, readiness } from './support/probes.js';
import { residentSetMb, sampleResidentSet } from './support/process-stats.js';

/**
 * Floods of interactions that never end. What must hold: memory stays bounded, the service keeps
 * answering its liveness probe, what cannot be searched in time is shed and counted rather than queued
 * without end, and the service serves a normal turn once the flood is over. (Speed targets are the
 * benchmark's; here the bounds are generous and the measured figures printed.)
 */
const bench = useFaultBench();

const shedCount = async (app: AppProcess) =>
  Object.entries((await readiness(app)).pipeline.counters)
    .filter(([name]) => name.startsWith('searches_shed'))
    .reduce((sum, [, count]) => sum + count, 0);

describe('flood (e2e): more interactions than BUFFER_MAX_INTERACTIONS', () => {
  const CAP = 200;
  const FLOOD = 2000;
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await bench.simulator();
    app = await bench.app(simulator, { BUFFER_MAX_INTERACTIONS: String(CAP) });
  });

  it('keeps at most BUFFER_MAX_INTERACTIONS buffered, flushing what it evicts', async () => {
    const textOf = (i: number) => `flood caller ${i} cannot reset the voicemail PIN`;
    for (let i = 0; i < FLOOD; i++) simulator.send(fragment(`flood-${i}`, textOf(i)));

    let maxInteractions = 0;
    await simulator.waitFor(
      async () => {
        const { pipeline } = await readiness(app);
        maxInteractions = Math.max(maxInteractions, pipeline.interactions);
        return pipeline.evictedInteractions >= FLOOD - CAP;
      },
      60_000,
      'every interaction beyond the cap evicted',
    );
    expect(maxInteractions).toBeLessThanOrEqual(CAP);

    // Evicted interactions were flushed, not dropped: each of the oldest FLOOD - CAP was searched, or shed
    // (and counted) because the searches queued ahead of it would have made its cards late.
    const evictedTexts = new Set(Array.from({ length: FLOOD - CAP }, (_, i) => textOf(i)));
    await simulator.waitFor(
      async () => {
        const searched = simulator.received.searches.filter((r) => r.status === 200 && evictedTexts.has(r.query.q));
        return searched.length + (await shedCount(app)) >= FLOOD - CAP;
      },
      60_000,
      'a search, or a counted shed, for every evicted interaction',
    );
    // Each flushed once: on eviction, or by silence before it (which of the two depends on ingest speed).
    const after = await simulator.waitFor(
      async () => {
        const ready = await readiness(app);
        const { silence, 'interaction-ended': onEviction } = ready.pipeline.utterances;
        return silence + onEviction >= FLOOD && ready;
      },
      10_000,
      'every interaction flushed once',
    );
    expect(after.status).toBe(200);
    expect(after.pipeline.interactions).toBeLessThanOrEqual(CAP);
  }, 150_000);
});

describe('flood (e2e): 20,000 interactions that say two words and never end', () => {
  const INTERACTIONS = 20_000;
  const BURST = 1000;
  const RSS_LIMIT_MB = 400;
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = await bench.simulator();
    app = await bench.app(simulator, { BUFFER_SILENCE_MS: '1000', BUFFER_MAX_MS: '3000', LOG_LEVEL: 'info' });
  });

  it('stays under 400 MB, answers its liveness probe throughout, sheds what it cannot serve in time', async () => {
    const words = ['voicemail pin', 'roaming abroad', 'slow broadband', 'card lost', 'bill wrong', 'order late'];
    const baselineMb = await residentSetMb(app.pid);
    const rss = sampleResidentSet(app.pid, 20);
    const prober = startLiveProber(`${app.baseUrl}/health/live`);
    await sleep(200);

    const floodStartedAt = Date.now();
    for (let first = 0; first < INTERACTIONS; first += BURST) {
      for (let i = first; i < first + BURST; i++) simulator.send(fragment(`two-words-${i}`, words[i % words.length]));
      await sleep(20);
    }
    // Every interaction's two words are flushed by silence, then searched or shed: none waits for ever.
    await simulator.waitFor(
      async () => {
        const ready = await readiness(app);
        return ready.pipeline.utterances.silence >= INTERACTIONS && ready.pipeline.searchesQueued === 0;
      },
      60_000,
      'every utterance flushed and the search queue empty',
    );
    const settledMs = Date.now() - floodStartedAt;
    await sleep(500);
    const live = await prober.stop();
    const peakMb = await rss.stop();

    const ready = await readiness(app);
    // The service's own count: the simulator keeps only its latest 10,000 records.
    const searched = counter(ready, 'cxone_requests{operation="knowledge-search",outcome="success"}');
    const shed = await shedCount(app);
    const late = counter(ready, 'cards_dropped_late{step="searching"}');
    const failed = counter(ready, 'assist_failures');
    console.log(
      `[measure] 20,000-interaction flood: peak RSS ${peakMb?.toFixed(0)} MB (before ${baselineMb?.toFixed(0)} MB), ` +
        `settled ${settledMs} ms after it began; /health/live max ${live.maxMs} ms, p99 ${live.p99Ms} ms over ` +
        `${live.probes} probes; ${searched} searched, ${shed} shed, ${late} dropped late while searching, ` +
        `${failed} failed`,
    );
    if (peakMb !== undefined) expect(peakMb).toBeLessThan(RSS_LIMIT_MB);
    expect(live.failures, 'liveness probes that failed or took over 10 s').toBe(0);
    expect(live.probes).toBeGreaterThan(50);
    expect(live.maxMs).toBeLessThan(2000);
    // Nothing silently lost: each interaction's one utterance was searched, shed, dropped late or failed,
    // and counted as such.
    expect(searched + shed + late + failed).toBeGreaterThanOrEqual(INTERACTIONS);
    expect(ready.status).toBe(200);

    // The flood is over: a normal turn gets its cards.
    askFor(simulator, 'after-the-flood');
    await acceptedPush(simulator, 'after-the-flood', 15_000);
  }, 150_000);
});
