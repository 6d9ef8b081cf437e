import type { Terms } from './terms.js';
import {
  CLOSING_WORDS,
  HOLDING_OPENINGS,
  NUMBER_WORDS,
  PLEASANTRY_PHRASES,
  REPAIR_PHRASES,
  REQUEST_WORDS,
  RESOLVED_WORDS,
} from './word-lists.js';

/** Why an utterance asks the knowledge base nothing. */
export type SmallTalk = 'no-content' | 'acknowledgement' | 'holding' | 'detail' | 'repair' | 'pleasantry';

/** What an utterance does: small talk (not worth a search), or whether it asks something. */
export type DialogAct = { smallTalk: SmallTalk } | { smallTalk?: undefined; asks: boolean };

/**
 * Numbers and dates from this many on, with nothing asked and fewer content words than a self-contained
 * utterance has, read as a detail being given ("it's order four four seven one nine").
 */
const DETAIL_NUMBERS = 3;
/** Details, repairs and pleasantries are short: with more content words, the utterance says more. */
const SHORT_MAX_CONTENT_WORDS = 2;
/** Fillers skipped before looking at how an utterance opens. */
const OPENING_FILLERS = new Set(['um', 'uh', 'er', 'erm', 'oh', 'ah', 'so', 'okay', 'ok', 'alright', 'right', 'well']);
/** Openers that, before a question's subject, make it a question ("hi, is there a fee for…", "can I…"). */
const QUESTION_OPENERS = new Set(
  (
    'is are am was were do does did have has can could will would should shall may might ' +
    "what's whats where's how's hows when when's who's why's"
  ).split(' '),
);
const GREETINGS = new Set(['hi', 'hello', 'hey', 'yes', 'yeah', 'and', 'but', 'also', 'sorry']);
const MODALS = new Set(['can', 'could', 'will', 'would', 'should', 'shall', 'may', 'might']);
const SUBJECTS = new Set(['i', 'you', 'we', 'he', 'she', 'they', 'it', 'someone', 'somebody', 'anyone', 'my']);

/**
 * Small talk that still has content words, told apart by what the utterance does rather than which
 * words it has: thanking or confirming that something works ("thanks, the voicemail works now"),
 * holding ("let me check"), giving a detail ("my date of birth is march twelfth nineteen eighty").
 * Anything with a question or a request in it ("thanks, but it still doesn't work") is not small talk.
 * `undefined`: the utterance may ask for something; the knowledge base and its scores decide.
 */
export function smallTalkKind(text: string, terms: Terms): SmallTalk | undefined {
  return readDialogAct(text, terms).smallTalk;
}

/**
 * Small talk, or else whether the utterance asks something: a question (a question mark, a question word,
 * "can I…", "is there…" at the start), a request ("I need…", "I want…") or a problem ("…doesn't work",
 * "…broken"). One that asks nothing ("my TV arrived with a cracked screen") may still be a need; it is
 * searched, and its cards must be stronger (see score-floors.ts).
 */
export function readDialogAct(text: string, terms: Terms): DialogAct {
  if (terms.content.length === 0) return { smallTalk: 'no-content' };
  // Repairs and pleasantries are questions ("what was that number again?") that need no knowledge.
  if (terms.content.length <= SHORT_MAX_CONTENT_WORDS) {
    const said = ` ${terms.words.join(' ')} `;
    if (REPAIR_PHRASES.some((phrase) => said.includes(` ${phrase} `))) return { smallTalk: 'repair' };
    if (PLEASANTRY_PHRASES.some((phrase) => said.includes(` ${phrase} `))) return { smallTalk: 'pleasantry' };
  }
  if (asksSomething(text, terms.words)) return { asks: true };
  const smallTalk = statementKind(terms);
  return smallTalk ? { smallTalk } : { asks: false };
}

function statementKind(terms: Terms): SmallTalk | undefined {
  const words = terms.words;
  if (opensWith(words, HOLDING_OPENINGS)) return 'holding';
  if (words.some((word) => CLOSING_WORDS.has(word))) return 'acknowledgement';
  const resolved = words.some((word) => RESOLVED_WORDS.has(word));
  if (resolved && (words.includes('now') || words.includes('all'))) return 'acknowledgement';
  const numbers = words.filter((word) => NUMBER_WORDS.has(word) || /^\d+$/.test(word)).length;
  if (numbers >= DETAIL_NUMBERS && terms.content.length <= SHORT_MAX_CONTENT_WORDS) return 'detail';
  return undefined;
}

const OBLIGATIONS = new Set(['have', 'has', 'got']);

function asksSomething(text: string, words: readonly string[]): boolean {
  if (text.includes('?')) return true;
  // "never mind" dismisses; it asks nothing.
  const asking = (word: string, i: number) =>
    (REQUEST_WORDS.has(word) || word.endsWith("n't")) && !(word === 'never' && words[i + 1] === 'mind');
  if (words.some(asking)) return true;
  if (words.some((word, i) => MODALS.has(word) && SUBJECTS.has(words[i + 1]))) return true;
  // "I have to / we got to <do something>": an obligation is a need, whatever thanks follows it.
  if (words.some((word, i) => OBLIGATIONS.has(word) && words[i + 1] === 'to' && SUBJECTS.has(words[i - 1]))) {
    return true;
  }
  let start = 0;
  while (start < words.length && (OPENING_FILLERS.has(words[start]) || GREETINGS.has(words[start]))) start++;
  return QUESTION_OPENERS.has(words[start]);
}

function opensWith(words: readonly string[], openings: readonly string[]): boolean {
  let start = 0;
  while (start < words.length && OPENING_FILLERS.has(words[start])) start++;
  const opening = words.slice(start, start + 3).join(' ');
  return openings.some((candidate) => opening === candidate || opening.startsWith(`${candidate} `));
}
