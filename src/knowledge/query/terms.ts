import { stemmer } from 'stemmer';
import { CONVERSATIONAL_WORDS, FUNCTION_WORDS, NUMBER_WORDS } from './word-lists.js';

/** Only the first this-many characters are read: an utterance is a few sentences, never pages. */
export const MAX_SCANNED_CHARS = 2000;
/** At most this many distinct content terms are kept per text; the rest add nothing a search could use. */
export const MAX_TERMS = 24;
const MAX_WORD_CHARS = 40;

/** Letters and digits, with inner apostrophes ("can't", "customer's"); linear, no backtracking. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** What an utterance says, word by word. */
export interface Terms {
  /** Every word, lower-cased, in order (capped). */
  words: string[];
  /** Words that carry meaning (no function words, no greetings, thanks or back-channel), distinct, in order. */
  content: string[];
  /** The content words' stems ("charged" → "charg"): what learning keys on, so wording varies freely. */
  stems: string[];
}

/** The words and content words of a text; bounded whatever the text's size. */
export function toTerms(text: string): Terms {
  const words: string[] = [];
  const content: string[] = [];
  const stems: string[] = [];
  const seen = new Set<string>();
  for (const match of text.slice(0, MAX_SCANNED_CHARS).matchAll(WORD)) {
    const word = match[0].toLowerCase().replace(/’/g, "'");
    if (word.length > MAX_WORD_CHARS) continue;
    words.push(word);
    if (content.length >= MAX_TERMS || !isContentWord(word) || seen.has(word)) continue;
    seen.add(word);
    content.push(word);
    const stem = stemmer(withoutPossessive(word));
    if (!stems.includes(stem)) stems.push(stem);
  }
  return { words, content, stems };
}

/** A word that says what the call is about: not a function word, small talk, a number or a lone letter. */
export function isContentWord(word: string): boolean {
  if (word.length < 2) return false;
  if (/^\d+$/.test(word)) return false;
  const base = withoutPossessive(word);
  return !FUNCTION_WORDS.has(base) && !CONVERSATIONAL_WORDS.has(base) && !NUMBER_WORDS.has(base);
}

/** "customer's" → "customer": a possessive says what its word says (and shares its stem). */
function withoutPossessive(word: string): string {
  return word.endsWith("'s") ? word.slice(0, -2) : word;
}
