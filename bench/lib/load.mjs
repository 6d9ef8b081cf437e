// Load mode: C concurrent conversations against one service process; latency from TURN_END to card.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CxoneSimulator } from '../../node_modules/.cache/assist-bench/dist/simulator/index.js';
import { CLIENT_ID, CLIENT_SECRET, ServiceProcess } from './service.mjs';

const TICK_MS = 10;
const FRAGMENT_EVERY_MS = 200;
const PAUSE_BEFORE_TURN_END_MS = 300;
const GAP_AFTER_TURN_MS = 1500; // the agent answers; the customer is silent
const LOST_AFTER_MS = 5000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (ms, spread) => ms + Math.round((Math.random() * 2 - 1) * spread);

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Card/search arrivals are taken as the simulator records them, instead of growing its record lists. */
function intercept(list, onItem) {
  list.push = (item) => {
    onItem(item);
    return 0;
  };
}

/** The service's default BUFFER_SILENCE_MS; the silence shape pauses longer than it before TURN_END. */
const SILENCE_MS = 3000;

/**
 * `shape`: `turn-end` (TURN_END ~300 ms after the last fragment: the flush is due at TURN_END) or `silence`
 * (a pause longer than BUFFER_SILENCE_MS first: the flush is due at the silence deadline, and latency is
 * measured from that moment). `main`: the service, or the plain-Node reference.
 */
export async function runLoadLevel({
  conversations,
  durationS,
  warmupS,
  latencyMs,
  script,
  cpuProfDir,
  turnsPerCall,
  shape = 'turn-end',
  main,
}) {
  const simulator = new CxoneSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  await simulator.start();
  if (latencyMs > 0) {
    simulator.setLatency('knowledge', latencyMs);
    simulator.setLatency('cards', latencyMs);
  }
  const service = await new ServiceProcess(simulator, {}, { cpuProfDir, main }).start();

  const pending = new Map(); // interactionId -> [{ sentAt, measured }]
  const latencies = [];
  let unexpectedCards = 0;
  let lateCards = 0;
  let searches = 0;
  let measuring = false;
  intercept(simulator.received.searches, () => searches++);
  // A card answers the oldest pending turn of its interaction whose article it shows; older pending
  // turns of that interaction were superseded (the service cancels a search a newer utterance overtakes).
  intercept(simulator.received.cards, (card) => {
    const id = card.body?.interactionId;
    const queue = pending.get(id);
    const shown = new Set((card.body?.insights ?? []).map((insight) => insight.id));
    const at = queue ? queue.findIndex((turn) => [...turn.fresh].some((articleId) => shown.has(articleId))) : -1;
    if (at < 0) {
      unexpectedCards++;
      if (process.env.BENCH_DEBUG) console.error('unexpected card', id, JSON.stringify(card.body).slice(0, 300));
      return;
    }
    const turn = queue[at];
    for (const older of queue.splice(0, at + 1)) {
      if (older !== turn) older.superseded = true;
    }
    if (queue.length === 0) pending.delete(id);
    const latency = card.at - turn.sentAt;
    turn.cardAt = card.at;
    if (latency > LOST_AFTER_MS) lateCards++;
    if (turn.measured) latencies.push(latency);
  });

  // Conversation slots, driven by one tick: every due slot does its next step, sends go out in a batch.
  const slots = [];
  const startedAt = Date.now();
  const staggerMs = Math.min(3000, 200 * conversations);
  for (let i = 0; i < conversations; i++) {
    slots.push({
      index: i,
      call: 0,
      turn: 0,
      fragment: 0,
      phase: 'speak',
      id: '',
      nextAt: startedAt + Math.random() * staggerMs,
    });
    newCall(slots[i]);
  }
  function newCall(slot) {
    slot.id = `bench-${conversations}-${slot.index}-${slot.call}`;
    slot.plan = script.plans[(slot.index + slot.call * 13) % script.plans.length];
    slot.turn = 0;
    slot.fragment = 0;
  }

  /** A turn whose flush becomes due at `dueAt`: its card is awaited from then. */
  function expectCard(slot, step, dueAt) {
    const record = { sentAt: dueAt, measured: measuring, id: slot.id, fresh: step.fresh };
    let queue = pending.get(slot.id);
    if (!queue) pending.set(slot.id, (queue = []));
    queue.push(record);
    turnsSent++;
    if (measuring) measuredTurns.push(record);
  }

  let stopIssuing = false;
  let events = 0;
  let measuredEvents = 0;
  let turnsSent = 0;
  const measuredTurns = [];
  const tick = () => {
    const now = Date.now();
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s];
      if (slot.nextAt > now || slot.phase === 'done') continue;
      const step = slot.plan[slot.turn];
      const turn = step && script.turns[step.turn];
      if (slot.phase === 'speak') {
        if (stopIssuing && slot.fragment === 0) {
          slot.phase = 'done';
          continue;
        }
        simulator.send({
          type: 'TRANSCRIPT_FRAGMENT',
          interactionId: slot.id,
          speaker: 'CUSTOMER',
          text: turn.fragments[slot.fragment],
          timestamp: new Date(now).toISOString(),
          sequence: slot.fragment,
        });
        events++;
        if (measuring) measuredEvents++;
        slot.fragment++;
        if (slot.fragment < turn.fragments.length) slot.nextAt += jitter(FRAGMENT_EVERY_MS, 50);
        else if (shape === 'silence') {
          // The flush is due at the silence deadline; TURN_END comes a second after it (and finds nothing).
          expectCard(slot, step, now + SILENCE_MS);
          slot.phase = 'end';
          slot.nextAt = now + SILENCE_MS + 1000;
        } else {
          slot.phase = 'end';
          slot.nextAt += jitter(PAUSE_BEFORE_TURN_END_MS, 50);
        }
      } else if (slot.phase === 'end') {
        if (shape !== 'silence') expectCard(slot, step, Date.now());
        simulator.send({ type: 'DIALOG_STATE', interactionId: slot.id, state: 'TURN_END' });
        events++;
        if (measuring) measuredEvents++;
        slot.turn++;
        slot.fragment = 0;
        slot.phase = slot.turn < turnsPerCall ? 'speak' : 'ended';
        slot.nextAt += jitter(GAP_AFTER_TURN_MS, 500);
      } else if (slot.phase === 'ended') {
        simulator.send({ type: 'INTERACTION_ENDED', interactionId: slot.id });
        events++;
        if (measuring) measuredEvents++;
        slot.call++;
        newCall(slot);
        slot.phase = 'speak';
        slot.nextAt += jitter(FRAGMENT_EVERY_MS, 50);
      }
    }
  };
  const ticker = setInterval(tick, TICK_MS);

  // Warm-up (staggered starts + JIT), then the measured window.
  await sleep(staggerMs + warmupS * 1000);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const benchCpu0 = process.cpuUsage();
  const serviceCpu0 = service.cpuMs();
  const t0 = Date.now();
  measuring = true;
  let peakRssKb = 0;
  let peakSearchesQueued = 0;
  const sampler = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, service.memoryKb().rssKb);
    service
      .pipeline()
      .then((p) => (peakSearchesQueued = Math.max(peakSearchesQueued, p.searchesQueued ?? 0)))
      .catch(() => undefined);
  }, 1000);
  await sleep(durationS * 1000);
  measuring = false;
  const windowMs = Date.now() - t0;
  const serviceCpuMs = service.cpuMs() - serviceCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  loopDelay.disable();

  // Drain: no new turns; wait for the measured turns' cards (or LOST_AFTER_MS past the last one).
  stopIssuing = true;
  const drainDeadline = Date.now() + LOST_AFTER_MS + 500;
  const open = (t) => t.cardAt === undefined && !t.superseded;
  while (Date.now() < drainDeadline && measuredTurns.some(open)) await sleep(100);
  clearInterval(ticker);
  clearInterval(sampler);
  const memory = service.memoryKb();
  const finalPipeline = await service.pipeline().catch(() => ({}));
  const interactionsLive = finalPipeline.interactions;
  const unexpectedBeforeStop = unexpectedCards;
  const lost = measuredTurns.filter((t) => t.cardAt === undefined || t.cardAt - t.sentAt > LOST_AFTER_MS).length;
  const superseded = measuredTurns.filter((t) => t.superseded).length;
  await service.stop();
  await simulator.stop();

  const sorted = latencies.sort((a, b) => a - b);
  return {
    conversations,
    durationS: windowMs / 1000,
    turns: measuredTurns.length,
    cards: latencies.length,
    lost,
    superseded,
    unexpectedCards: unexpectedBeforeStop,
    lateCards,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    eventsPerS: (measuredEvents * 1000) / windowMs,
    turnsPerS: (measuredTurns.length * 1000) / windowMs,
    serviceCpuMsPer1kEvents: (serviceCpuMs / measuredEvents) * 1000,
    serviceCpuPct: (serviceCpuMs / windowMs) * 100,
    peakRssMb: Math.max(peakRssKb, memory.rssKb) / 1024,
    hwmMb: memory.hwmKb / 1024,
    benchCpuPct: ((benchCpu.user + benchCpu.system) / 1000 / windowMs) * 100,
    benchLoopLagP99Ms: loopDelay.percentile(99) / 1e6,
    benchLoopLagMaxMs: loopDelay.max / 1e6,
    serviceWarnLines: service.warnLines,
    serviceLogTail: service.tail.slice(-5),
    interactionsLive,
    peakSearchesQueued,
    serviceCounters: finalPipeline.counters,
    totalTurnsSent: turnsSent,
    totalEvents: events,
  };
}
