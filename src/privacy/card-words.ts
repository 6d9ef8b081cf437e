/**
 * Words that put a card number in the air, and the small words that may stand between them and the
 * digits ("my credit card number is 4111…", "visa ending in 1111"). Each filler word needs its own
 * separator, and separators and words share no character, so the repetition cannot backtrack badly.
 */
const CARD_WORD = String.raw`\b(?:credit|debit|visa|master ?card|amex|american express|card)\b`;
const FILLER = String.raw`(?:[\s:#,.-]{1,3}(?:card|number|numbers|no|num|is|was|are|it's|its|ending|ends|in|with|the|digits|on|my)\b){0,4}`;

/** Card words and their filler, right before a digit (the match ends where the digits start). */
export const CARD_WORDS_BEFORE_DIGITS = new RegExp(String.raw`${CARD_WORD}${FILLER}[\s:#,.-]{0,3}(?=\d)`, 'gi');

/** Card words, their filler and maybe some digits, at the very end of the text ("…my card number is"). */
export const CARD_WORDS_AT_END = new RegExp(
  String.raw`${CARD_WORD}${FILLER}(?:[\s:#,.-]{1,3}\d{1,19}(?:[-.,/ ]{1,3}\d{1,19}){0,9})?[\s.,!?;:]{0,5}$`,
  'i',
);
