// Memory per idle interaction, and raw ingest (parse + validate + route) of one service process.
import { CxoneSimulator } from '../../node_modules/.cache/assist-bench/dist/simulator/index.js';
import { CLIENT_ID, CLIENT_SECRET, ServiceProcess } from './service.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Nothing flushes while these run: fragments stay buffered (or, at ingest, are never searched).
const HOLD_ENV = { BUFFER_SILENCE_MS: '600000', BUFFER_MAX_MS: '600000' };

async function withService(env, options, body) {
  const simulator = new CxoneSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  await simulator.start();
  const service = await new ServiceProcess(simulator, env, options).start();
  try {
    return await body(simulator, service);
  } finally {
    await service.stop();
    await simulator.stop();
  }
}

/** Opens interactions with one short buffered fragment each, `perTick` per 10 ms, until `count` are live. */
async function openInteractions(simulator, service, from, count) {
  const perTick = 500;
  for (let i = from; i < from + count; i += perTick) {
    for (let j = i; j < Math.min(i + perTick, from + count); j++) {
      simulator.send(
        `{"type":"TRANSCRIPT_FRAGMENT","interactionId":"bench-idle-${String(j).padStart(7, '0')}","speaker":"CUSTOMER","text":"Hi, I can't get into my"}`,
      );
    }
    await sleep(10);
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && (await service.pipeline()).interactions < from + count) await sleep(100);
  await sleep(1500); // let the heap settle
}

/** RSS slope over two equal steps of idle buffered interactions (after a warm-up step). */
export async function runMemory({ perStep, cpuProfDir }) {
  return withService(HOLD_ENV, { cpuProfDir }, async (simulator, service) => {
    await openInteractions(simulator, service, 0, 2000); // warm-up: JIT, socket buffers, maps
    const r0 = service.memoryKb().rssKb;
    await openInteractions(simulator, service, 2000, perStep);
    const r1 = service.memoryKb().rssKb;
    await openInteractions(simulator, service, 2000 + perStep, perStep);
    const r2 = service.memoryKb().rssKb;
    const live = (await service.pipeline()).interactions;
    return {
      interactions: live,
      rssMb: [r0, r1, r2].map((kb) => kb / 1024),
      kbPerInteraction: (r2 - r0) / (2 * perStep),
      kbPerInteractionSteps: [(r1 - r0) / perStep, (r2 - r1) / perStep],
    };
  });
}

/**
 * Offers fragments (AGENT speech for 10,000 interactions: parsed, validated, buffered, never searched)
 * at rising rates; a step "keeps up" while the service's own stream_events counter follows the offered
 * rate. The last step sends as fast as the socket drains (bounded send queue), which gives the ceiling.
 */
export async function runIngest({ stepS, rates, cpuProfDir }) {
  return withService(HOLD_ENV, { cpuProfDir }, async (simulator, service) => {
    const interactions = 10_000;
    const words = ['so the thing is', 'my card was', 'charged twice for', 'the same order and', 'I would like that'];
    const frames = [];
    for (let i = 0; i < interactions; i++) {
      frames.push(
        JSON.stringify({
          type: 'TRANSCRIPT_FRAGMENT',
          interactionId: `bench-ingest-${String(i).padStart(6, '0')}`,
          speaker: 'AGENT',
          text: words[i % words.length],
          timestamp: new Date().toISOString(),
          sequence: i,
        }),
      );
    }
    const socket = [...simulator.stream.wss.clients][0]; // the service's connection (for its send queue)
    let cursor = 0;
    const steps = [];
    for (const rate of [...rates, Infinity]) {
      const events0 = await service.streamEvents();
      const cpu0 = service.cpuMs();
      const bench0 = process.cpuUsage();
      const t0 = Date.now();
      let sent = 0;
      while (Date.now() - t0 < stepS * 1000) {
        const due = rate === Infinity ? Infinity : Math.floor(((Date.now() - t0) * rate) / 1000) - sent;
        // Never queue more than ~2 MB in the socket: beyond that, the service is not reading fast enough.
        for (let n = 0; n < Math.min(due, 5000) && socket.bufferedAmount < 2_000_000; n++) {
          simulator.send(frames[cursor]);
          cursor = cursor === interactions - 1 ? 0 : cursor + 1;
          sent++;
        }
        await new Promise((resolve) => setImmediate(resolve));
        if (rate !== Infinity) await sleep(5);
      }
      const ms = Date.now() - t0;
      const processed = (await service.streamEvents()) - events0;
      const cpu = service.cpuMs() - cpu0;
      const bench = process.cpuUsage(bench0);
      steps.push({
        offered: rate === Infinity ? 'max' : rate,
        sentPerS: (sent * 1000) / ms,
        processedPerS: (processed * 1000) / ms,
        serviceCpuPct: (cpu / ms) * 100,
        eventsPerCpuS: (processed / cpu) * 1000,
        benchCpuPct: ((bench.user + bench.system) / 1000 / ms) * 100,
        backlogBytes: socket.bufferedAmount,
      });
      // Let the backlog drain before the next step.
      while (socket.bufferedAmount > 0) await sleep(50);
      await sleep(500);
    }
    const max = steps[steps.length - 1];
    return {
      steps,
      maxPerS: max.processedPerS,
      eventsPerCpuS: max.eventsPerCpuS,
      method: 'service process, stream_events counter',
    };
  });
}
