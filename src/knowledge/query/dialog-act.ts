import type { Terms } from './terms.js';
import { CLOSING_WORDS, HOLDING_OPENINGS, NUMBER_WORDS, REQUEST_WORDS, RESOLVED_WORDS } from './word-lists.js';

/** Why an utterance asks the knowledge base nothing. */
export type SmallTalk = 'no-content' | 'acknowledgement' | 'holding' | 'detail';

/**
 * Numbers and dates from this many on, with nothing asked and fewer content words than a self-contained
 * utterance has, read as a detail being given ("it's order four four seven one nine").
 */
const DETAIL_NUMBERS = 3;
const DETAIL_MAX_CONTENT_WORDS = 2;
/** Fillers skipped before looking at how an utterance opens. */
const OPENING_FILLERS = new Set(['um', 'uh', 'er', 'erm', 'oh', 'ah', 'so', 'okay', 'ok', 'alright', 'right', 'well']);

/**
 * Small talk that still has content words, told apart by what the utterance does rather than which
 * words it has: thanking or confirming that something works ("thanks, the voicemail works now"),
 * holding ("let me check"), giving a detail ("my date of birth is march twelfth nineteen eighty").
 * Anything with a question or a request in it ("thanks, but it still doesn't work") is not small talk.
 * `undefined`: the utterance may ask for something; the knowledge base and its scores decide.
 */
export function smallTalkKind(text: string, terms: Terms): SmallTalk | undefined {
  if (terms.content.length === 0) return 'no-content';
  if (asksSomething(text, terms.words)) return undefined;
  const words = terms.words;
  if (opensWith(words, HOLDING_OPENINGS)) return 'holding';
  if (words.some((word) => CLOSING_WORDS.has(word))) return 'acknowledgement';
  const resolved = words.some((word) => RESOLVED_WORDS.has(word));
  if (resolved && (words.includes('now') || words.includes('all'))) return 'acknowledgement';
  const numbers = words.filter((word) => NUMBER_WORDS.has(word) || /^\d+$/.test(word)).length;
  if (numbers >= DETAIL_NUMBERS && terms.content.length <= DETAIL_MAX_CONTENT_WORDS) return 'detail';
  return undefined;
}

function asksSomething(text: string, words: readonly string[]): boolean {
  if (text.includes('?')) return true;
  return words.some((word) => REQUEST_WORDS.has(word) || word.endsWith("n't"));
}

function opensWith(words: readonly string[], openings: readonly string[]): boolean {
  let start = 0;
  while (start < words.length && OPENING_FILLERS.has(words[start])) start++;
  const opening = words.slice(start, start + 3).join(' ');
  return openings.some((candidate) => opening === candidate || opening.startsWith(`${candidate} `));
}
