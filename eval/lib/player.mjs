// Plays cases to the service down the simulator's stream, as CXone would, and attributes every card push
// the simulator receives to the turn that caused it.
import { randomBytes } from 'node:crypto';

const FRAGMENT_GAP_MS = 60;
const POLL_MS = 20;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A turn's text as a streaming transcriber delivers it: pieces of three or four words. */
export function fragmentsOf(text) {
  const words = text.split(/\s+/).filter(Boolean);
  const pieces = [];
  for (let i = 0, n = 0; i < words.length; n++) {
    const size = 3 + (n % 2);
    pieces.push(words.slice(i, i + size).join(' '));
    i += size;
  }
  return pieces;
}

/**
 * Plays every case on its own fresh interaction, `concurrency` at a time. Turn by turn: fragments (speaker
 * CUSTOMER), TURN_END, then wait until the turn settled: `quietMs` after its last push, or `settleMs` after
 * TURN_END when no push came. A push belongs to the turn of its interaction that was being spoken or
 * awaited when it arrived; one that arrives after its turn settled is kept but flagged `late`, one before
 * TURN_END `early`: either means the result depended on timing, and the run says so.
 * `onSettled(interactionId, turn)` runs after each turn (the simulated agent's verdicts).
 */
export async function playCases(simulator, cases, { phase, concurrency, settleMs, quietMs, onSettled }) {
  const runId = randomBytes(3).toString('hex');
  const sessions = new Map();
  const stray = [];
  const unsubscribe = simulator.onActivity((activity) => {
    if (activity.kind !== 'request' || activity.endpoint !== 'cards') return;
    const { request } = activity;
    const session = sessions.get(request.body?.interactionId);
    if (!session) return void stray.push(request);
    if (request.status < 200 || request.status >= 300) return void session.failedPushes++;
    attribute(session, request, stray);
  });

  async function playCase(playedCase, index) {
    // Opaque ids: nothing about the case (its article, its group) may reach the service.
    const interactionId = `eval-${phase}-${runId}-${String(index).padStart(4, '0')}`;
    const session = { interactionId, ...playedCase, played: [], failedPushes: 0, sequence: 0 };
    sessions.set(interactionId, session);
    for (const spec of playedCase.turns) {
      const turn = { ...spec, pushes: [], startAt: Date.now() };
      session.played.push(turn);
      for (const text of fragmentsOf(spec.text)) {
        simulator.send({
          type: 'TRANSCRIPT_FRAGMENT',
          interactionId,
          text,
          speaker: 'CUSTOMER',
          timestamp: new Date().toISOString(),
          sequence: session.sequence++,
        });
        await sleep(FRAGMENT_GAP_MS);
      }
      turn.endAt = Date.now();
      simulator.send({ type: 'DIALOG_STATE', interactionId, state: 'TURN_END' });
      await settled(turn, settleMs, quietMs);
      turn.settledAt = Date.now();
      onSettled?.(interactionId, turn);
    }
    simulator.send({ type: 'INTERACTION_ENDED', interactionId });
  }

  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      await playCase(cases[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
  // Anything still coming now is late (and reported as such), not silently lost.
  await sleep(settleMs);
  unsubscribe();
  return { sessions: [...sessions.values()], strayPushes: stray.length, strayCards: countCards(stray) };
}

function attribute(session, request, stray) {
  const turn = session.played.findLast((candidate) => candidate.startAt <= request.at);
  if (!turn) return void stray.push(request);
  turn.pushes.push({
    at: request.at,
    cards: (request.body?.insights ?? []).map(({ id, priority, score, title }) => ({ id, priority, score, title })),
    early: turn.endAt === undefined || request.at < turn.endAt,
    late: turn.settledAt !== undefined && request.at > turn.settledAt,
  });
}

async function settled(turn, settleMs, quietMs) {
  for (;;) {
    await sleep(POLL_MS);
    const lastPushAt = turn.pushes.at(-1)?.at;
    const now = Date.now();
    if (lastPushAt === undefined ? now - turn.endAt >= settleMs : now - Math.max(lastPushAt, turn.endAt) >= quietMs)
      return;
  }
}

function countCards(requests) {
  return requests.reduce((sum, request) => sum + (request.body?.insights?.length ?? 0), 0);
}

/**
 * The simulated agent of the learning phase, as a real one would act on what it was shown: accepts each
 * card whose article answers the turn, rejects every other card. Returns the verdict sender for
 * `onSettled` and the verdicts sent (`interactionId|insightId` -> accepted).
 */
export function verdictAgent(simulator) {
  const sent = new Map();
  const onSettled = (interactionId, turn) => {
    const seen = new Set();
    for (const card of turn.pushes.flatMap((push) => push.cards)) {
      if (seen.has(card.id)) continue;
      seen.add(card.id);
      const accepted = turn.relevant.includes(card.id);
      simulator.send({ type: accepted ? 'INSIGHT_ACCEPTED' : 'INSIGHT_REJECTED', interactionId, insightId: card.id });
      sent.set(`${interactionId}|${card.id}`, accepted);
    }
  };
  return { onSettled, sent };
}

/** Watches the training endpoint; `waitFor(sent)` resolves once every verdict sent reached it (or on timeout). */
export function trainingFeedbackWatch(simulator) {
  const delivered = new Set();
  const unsubscribe = simulator.onActivity((activity) => {
    if (activity.kind !== 'request' || activity.endpoint !== 'feedback') return;
    const { request } = activity;
    if (request.status >= 200 && request.status < 300)
      delivered.add(`${request.body?.interactionId}|${request.body?.insightId}`);
  });
  return {
    async waitFor(sent, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const missing = () => [...sent.keys()].filter((key) => !delivered.has(key)).length;
      while (missing() > 0 && Date.now() < deadline) await sleep(50);
      unsubscribe();
      return { sent: sent.size, delivered: sent.size - missing() };
    },
  };
}
