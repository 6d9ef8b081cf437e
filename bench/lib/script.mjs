// What the simulated customers say: one sentence per knowledge article, so every turn has a card due.
import { loadArticles } from '../../node_modules/.cache/assist-bench/dist/simulator/index.js';
import { KnowledgeIndex } from '../../node_modules/.cache/assist-bench/dist/simulator/knowledge-index.js';

const OPENERS = [
  'hi there, I am calling because I need to',
  'hello, I was hoping you could help me',
  'yes so basically I have to',
  'okay, the reason for my call is I want to',
  'good morning, can you tell me how to',
];
const CLOSERS = ['as soon as possible', 'today if I can', 'thanks a lot', 'on my account', 'please'];

/** Splits a sentence into fragments of 3-4 words, as a streaming transcriber would. */
function fragmentsOf(sentence, salt) {
  const words = sentence.split(/\s+/);
  const out = [];
  for (let i = 0, n = 0; i < words.length; n++) {
    const size = 3 + ((salt + n) % 2);
    out.push(words.slice(i, i + size).join(' '));
    i += size;
  }
  return out;
}

/**
 * Turn texts, and call plans: per call, `turnsPerCall` articles such that every turn's top hit is one the
 * earlier turns of the same call have not shown (the service never shows an article twice in one
 * interaction, and pushes nothing when its best hit is already shown, so such a turn has no card due).
 */
export function buildScript({ turnsPerCall, pageSize = 5 }) {
  const articles = loadArticles();
  const index = new KnowledgeIndex(articles);
  const turns = [];
  articles.forEach((article, i) => {
    const sentence = `${OPENERS[i % OPENERS.length]} ${article.title.toLowerCase()} ${CLOSERS[i % CLOSERS.length]}`;
    const hits = index.search(sentence, 1, pageSize).entities.map((e) => e.id);
    if (hits[0] !== article.id) return; // its own article must come first
    const fragments = fragmentsOf(sentence, i);
    turns.push({ articleId: article.id, hits, fragments, frames: fragments.length });
  });
  const plans = [];
  for (let start = 0; start < turns.length; start++) {
    const plan = [start];
    const shown = new Set(turns[start].hits);
    for (let step = 1; plan.length < turnsPerCall && step < turns.length; step++) {
      const candidate = (start + step * 7) % turns.length;
      if (plan.includes(candidate)) continue;
      // Its own article (the top hit) must be new to the call: the service stays quiet when the best hit
      // is already on the agent's screen (the rest would be leftovers), so such a turn has no card due.
      if (shown.has(turns[candidate].hits[0])) continue;
      plan.push(candidate);
      for (const id of turns[candidate].hits) shown.add(id);
    }
    if (plan.length < turnsPerCall) continue;
    // Per turn, the articles its card may show: its hits that no earlier turn of the call has shown.
    const seen = new Set();
    plans.push(
      plan.map((turn) => {
        const fresh = new Set(turns[turn].hits.filter((id) => !seen.has(id)));
        for (const id of turns[turn].hits) seen.add(id);
        return { turn, fresh };
      }),
    );
  }
  if (plans.length === 0) throw new Error('no call plan found: the article set is too small');
  return { turns, plans, articles: articles.length };
}
