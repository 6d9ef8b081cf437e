// The labelled set (eval/relevance-set.json): loaded, checked against the knowledge base, and turned into
// the cases each phase plays. A case is one interaction: one turn, or the turns of a multi-turn call.
import { readFileSync } from 'node:fs';

const SET_FILE = new URL('../relevance-set.json', import.meta.url);
const TURN_KINDS = new Set(['needy', 'small-talk', 'follow-up']);
const SPLITS = new Set(['train', 'test']);

/** Kinds of turn the figures treat as having a need (a relevant card is due). */
export const NEEDY_KINDS = new Set(['needy', 'follow-up']);

/** Reads and checks the set; throws one error listing every problem, so a bad edit is found at once. */
export function loadRelevanceSet(articleIds) {
  const set = JSON.parse(readFileSync(SET_FILE, 'utf8'));
  const problems = [];
  const known = new Set(articleIds);
  const ids = new Set();
  const texts = new Map();
  const checkId = (id, where) => {
    if (typeof id !== 'string' || id === '') problems.push(`${where}: missing id`);
    else if (ids.has(id)) problems.push(`${where}: duplicate id ${id}`);
    ids.add(id);
  };
  const checkText = (text, where) => {
    if (typeof text !== 'string' || text.trim() === '') return problems.push(`${where}: missing text`);
    const normalised = text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
    if (texts.has(normalised)) problems.push(`${where}: same words as ${texts.get(normalised)}`);
    texts.set(normalised, where);
  };
  const checkRelevant = (relevant, where) => {
    if (!Array.isArray(relevant) || relevant.length === 0) return problems.push(`${where}: no relevant article`);
    for (const id of relevant) if (!known.has(id)) problems.push(`${where}: unknown article ${id}`);
  };

  for (const item of set.needy ?? []) {
    const where = `needy ${item.id}`;
    checkId(item.id, where);
    checkText(item.text, where);
    checkRelevant(item.relevant, where);
    if (!SPLITS.has(item.split)) problems.push(`${where}: split must be train or test`);
  }
  for (const item of set.smallTalk ?? []) {
    checkId(item.id, `smallTalk ${item.id}`);
    checkText(item.text, `smallTalk ${item.id}`);
    if (item.relevant !== undefined) problems.push(`smallTalk ${item.id}: small talk has no relevant article`);
  }
  for (const call of set.calls ?? []) {
    checkId(call.id, `call ${call.id}`);
    if (!Array.isArray(call.turns) || call.turns.length < 2) problems.push(`call ${call.id}: needs two turns or more`);
    (call.turns ?? []).forEach((turn, index) => {
      const where = `call ${call.id} turn ${index + 1}`;
      if (!TURN_KINDS.has(turn.kind)) problems.push(`${where}: kind must be needy, small-talk or follow-up`);
      // Short replies ("okay") recur across calls on purpose; only needs must be unique.
      if (NEEDY_KINDS.has(turn.kind)) checkText(turn.text, where);
      else if (typeof turn.text !== 'string' || turn.text.trim() === '') problems.push(`${where}: missing text`);
      if (NEEDY_KINDS.has(turn.kind)) checkRelevant(turn.relevant, where);
      else if (turn.relevant !== undefined) problems.push(`${where}: small talk has no relevant article`);
    });
  }
  // Every article needs paraphrases on both sides, or the learning figure could not be earned for it.
  for (const articleId of articleIds) {
    const about = (set.needy ?? []).filter((item) => item.relevant?.[0] === articleId);
    const train = about.filter((item) => item.split === 'train').length;
    if (about.length < 3) problems.push(`${articleId}: ${about.length} needy paraphrase(s), at least 3 wanted`);
    if (train === 0 || train === about.length) problems.push(`${articleId}: needs paraphrases in both train and test`);
  }
  if (problems.length > 0) throw new Error(`eval/relevance-set.json:\n  ${problems.join('\n  ')}`);
  return { needy: set.needy, smallTalk: set.smallTalk, calls: set.calls };
}

const single = (group, item, kind) => ({
  group,
  source: item.id,
  turns: [{ text: item.text, kind, type: item.type, relevant: item.relevant ?? [] }],
});
const call = (item) => ({
  group: 'call',
  source: item.id,
  turns: item.turns.map((turn) => ({ text: turn.text, kind: turn.kind, relevant: turn.relevant ?? [] })),
});

/** What the service is measured on: test-split needs alone, small talk alone, and every call. */
export function measuredCases(set) {
  return [
    ...set.needy.filter((item) => item.split === 'test').map((item) => single('needy', item, 'needy')),
    ...set.smallTalk.map((item) => single('small-talk', item, 'small-talk')),
    ...set.calls.map(call),
  ];
}

/** What the simulated agents give verdicts on before the learning figure is measured. */
export function trainingCases(set) {
  return set.needy.filter((item) => item.split === 'train').map((item) => single('training', item, 'needy'));
}

/** Counts for the report: how big each part of the set is. */
export function describeSet(set) {
  const callTurns = set.calls.flatMap((c) => c.turns);
  return {
    needy: set.needy.length,
    needyTrain: set.needy.filter((item) => item.split === 'train').length,
    needyTest: set.needy.filter((item) => item.split === 'test').length,
    twoArticles: set.needy.filter((item) => item.relevant.length > 1).length,
    smallTalk: set.smallTalk.length,
    calls: set.calls.length,
    callTurns: callTurns.length,
    callNeedy: callTurns.filter((t) => t.kind === 'needy').length,
    callFollowUps: callTurns.filter((t) => t.kind === 'follow-up').length,
    callSmallTalk: callTurns.filter((t) => t.kind === 'small-talk').length,
  };
}
