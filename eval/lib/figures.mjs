// From played turns to the figures: what each turn got, then the shares the issue asks for.
import { NEEDY_KINDS } from './relevance-set.mjs';

/**
 * Cases written after the service's small-talk rules, by someone who had not seen them (`"heldOut": true`).
 * Batch `h` (st-h…, call-h…) was then looked at while the rules were refined, so only batch `g` (st-g…,
 * call-g…), written after that, still measures whether the rules generalise.
 */
const HELD_OUT = /^(st|call)-g\d/;

const ratio = (hits, total) => ({ hits, total, value: total === 0 ? NaN : hits / total });

/**
 * One row per played turn: its group (needy / small-talk / call), kind, labels, and what the agent saw:
 * every card of every push attributed to it, and the #1 card (priority 1 of the turn's first push).
 */
export function turnOutcomes(played) {
  const outcomes = [];
  for (const session of played.sessions) {
    const shownBefore = new Set();
    session.played.forEach((turn, index) => {
      const cards = turn.pushes.flatMap((push) => push.cards.map((card) => card.id));
      const first = turn.pushes[0]?.cards ?? [];
      const topCard = [...first].sort((a, b) => a.priority - b.priority)[0];
      outcomes.push({
        group: session.group,
        source: session.source,
        turn: index + 1,
        closing: index === session.played.length - 1 && session.played.length > 1,
        kind: turn.kind,
        type: turn.type,
        text: turn.text,
        relevant: turn.relevant,
        cards,
        top: topCard?.id,
        topScore: topCard?.score,
        shownEarlierInCall: turn.relevant.some((id) => shownBefore.has(id)),
        latencyMs: turn.pushes.length > 0 ? turn.pushes[0].at - turn.endAt : undefined,
        timingFlags: turn.pushes.filter((push) => push.late || push.early).length,
      });
      for (const id of cards) shownBefore.add(id);
    });
  }
  return outcomes;
}

const isNeedy = (o) => NEEDY_KINDS.has(o.kind);
/**
 * What the agent has in front of them after the turn. The service never pushes an article twice in a call
 * (a duplicated card is a defect), so a relevant card pushed earlier in the same call still counts: as
 * the #1 card when this turn brought no new push, and as a relevant card anywhere. A new push whose #1 is
 * wrong is a miss, whatever was shown before: it is drawn above the earlier card.
 */
const hasRelevantCard = (o) => hasRelevantCardNow(o) || o.shownEarlierInCall;
const topIsRelevant = (o) => (o.top === undefined ? o.shownEarlierInCall : o.relevant.includes(o.top));
/** Strict: only what is pushed for this very turn. */
const hasRelevantCardNow = (o) => o.cards.some((id) => o.relevant.includes(id));
const topIsRelevantNow = (o) => o.top !== undefined && o.relevant.includes(o.top);

/** The figures of one pass over the measured cases (first hearing, or after verdicts). */
export function passFigures(played) {
  const outcomes = turnOutcomes(played);
  const smallTalk = outcomes.filter((o) => o.kind === 'small-talk');
  const needy = outcomes.filter(isNeedy);
  const cards = outcomes.flatMap((o) => o.cards.map((id) => o.relevant.includes(id)));
  const count = (list, test) => ratio(list.filter(test).length, list.length);
  const latencies = outcomes.map((o) => o.latencyMs).filter((ms) => ms !== undefined);
  return {
    outcomes,
    smallTalkWithCards: count(smallTalk, (o) => o.cards.length > 0),
    // Pushes no turn could own (none expected) count as irrelevant cards.
    relevantShare: ratio(cards.filter(Boolean).length, cards.length + played.strayCards),
    topRelevant: count(needy, topIsRelevant),
    anyRelevant: count(needy, hasRelevantCard),
    breakdown: breakdown(outcomes),
    timing: {
      flaggedPushes: outcomes.reduce((sum, o) => sum + o.timingFlags, 0),
      strayPushes: played.strayPushes,
      failedPushes: played.sessions.reduce((sum, s) => sum + s.failedPushes, 0),
      maxLatencyMs: latencies.length ? Math.max(...latencies) : NaN,
    },
  };
}

/** The same figures per part of the set, so a change can be traced to the kind of turn it affects. */
function breakdown(outcomes) {
  const parts = [
    ['needy utterances alone', (o) => o.group === 'needy'],
    ['calls: needy turns', (o) => o.group === 'call' && o.kind === 'needy'],
    ['calls: follow-up turns', (o) => o.group === 'call' && o.kind === 'follow-up'],
    ['small talk alone', (o) => o.group === 'small-talk'],
    ['calls: small-talk turns', (o) => o.group === 'call' && o.kind === 'small-talk'],
    ['calls: closing small talk', (o) => o.group === 'call' && o.kind === 'small-talk' && o.closing],
    // Written after the service's small-talk rules, by someone who had not seen them: do the rules generalise?
    ['held out: small talk alone', (o) => o.group === 'small-talk' && HELD_OUT.test(o.source)],
    [
      'held out: calls, small-talk turns',
      (o) => o.group === 'call' && o.kind === 'small-talk' && HELD_OUT.test(o.source),
    ],
    ['held out: calls, needy and follow-up turns', (o) => o.group === 'call' && isNeedy(o) && HELD_OUT.test(o.source)],
  ].filter(([, test]) => outcomes.some(test));
  return parts.map(([name, test]) => {
    const turns = outcomes.filter(test);
    const cards = turns.flatMap((o) => o.cards.map((id) => o.relevant.includes(id)));
    const needy = turns.filter(isNeedy);
    return {
      name,
      turns: turns.length,
      withCards: turns.filter((o) => o.cards.length > 0).length,
      cards: cards.length,
      relevantCards: cards.filter(Boolean).length,
      topRelevant: needy.length ? ratio(needy.filter(topIsRelevant).length, needy.length) : undefined,
      anyRelevant: needy.length ? ratio(needy.filter(hasRelevantCard).length, needy.length) : undefined,
      // The strict reading: only this turn's push counts, an earlier card of the call does not.
      topRelevantNow: needy.length ? ratio(needy.filter(topIsRelevantNow).length, needy.length) : undefined,
      anyRelevantNow: needy.length ? ratio(needy.filter(hasRelevantCardNow).length, needy.length) : undefined,
    };
  });
}

/** Small-talk turns that got cards, grouped by the kind of small talk, for --verbose. */
export function smallTalkByType(outcomes) {
  const byType = new Map();
  for (const o of outcomes.filter((x) => x.kind === 'small-talk')) {
    const type = o.group === 'call' ? 'in a call' : o.type;
    const entry = byType.get(type) ?? { turns: 0, withCards: 0 };
    entry.turns++;
    if (o.cards.length > 0) entry.withCards++;
    byType.set(type, entry);
  }
  return byType;
}

export { hasRelevantCard, topIsRelevant };
