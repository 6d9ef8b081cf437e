import { CARD_WORDS_BEFORE_DIGITS } from './card-words.js';
import {
  digitCount,
  digitRuns,
  type DigitGroup,
  type DigitRun,
  NUMBER_GAP,
  passesLuhn,
  runStartingAt,
} from './digit-runs.js';
import type { RedactionCanvas } from './redaction-canvas.js';

const CARD_MIN_DIGITS = 13;
const CARD_MAX_DIGITS = 19;
/** "my card number is 4111 1111": fewer digits than this after card words are not taken for a card. */
const PARTIAL_CARD_MIN_DIGITS = 4;

/**
 * Luhn-valid payment card numbers → [CARD]. A run of digit groups may hold a card next to other digits
 * ("4111 1111 1111 1111 3"); a card is looked for along whole groups only, longest first, so an order
 * number is not cut into a false card. The groups must also be laid out as cards are printed: one
 * unbroken 13-19 digit group, 4-4-4… with a last group of 1-4, or Amex/Diners 4-6-5 / 4-6-4. Dates,
 * IP addresses and prices (2- and 3-digit groups) are never card-shaped, whatever their checksum.
 */
export function redactCardNumbers(canvas: RedactionCanvas): void {
  const text = canvas.view();
  for (const run of digitRuns(text, NUMBER_GAP)) {
    for (let first = 0; first < run.length;) {
      const last = longestCardFrom(run, first);
      if (last < 0) {
        first++;
        continue;
      }
      canvas.claim(run[first].start, run[last].end, 'card');
      first = last + 1;
    }
  }
}

/** The index of the last group of the longest card starting at `run[first]`, or -1. */
function longestCardFrom(run: DigitRun, first: number): number {
  const lead = run[first].digits;
  if (lead.length >= CARD_MIN_DIGITS) return lead.length <= CARD_MAX_DIGITS && passesLuhn(lead) ? first : -1;
  if (lead.length !== 4) return -1;
  const amex = run.slice(first, first + 3);
  if (amex.length === 3 && amex[1].digits.length === 6 && [4, 5].includes(amex[2].digits.length)) {
    return passesLuhn(amex.map((group) => group.digits).join('')) ? first + 2 : -1;
  }
  let best = -1;
  let digits = lead;
  for (let last = first + 1; last < run.length && digits.length < CARD_MAX_DIGITS; last++) {
    const size = run[last].digits.length;
    if (size > 4) break;
    digits += run[last].digits;
    if (digits.length >= CARD_MIN_DIGITS && digits.length <= CARD_MAX_DIGITS && passesLuhn(digits)) best = last;
    if (size < 4) break;
  }
  return best;
}

/**
 * "my card number is 4111 1111", "visa ending in 1111": digits right after card words are (part of) a
 * card even when too few for the checksum, 4 digits or more → [CARD]. Runs after the Luhn rule and
 * after IP addresses, dates and order numbers are kept, so those win.
 */
export function redactDigitsAfterCardWords(canvas: RedactionCanvas): void {
  const text = canvas.view();
  for (const match of text.matchAll(CARD_WORDS_BEFORE_DIGITS)) {
    claimCardDigits(canvas, runStartingAt(text, match.index + match[0].length, NUMBER_GAP), PARTIAL_CARD_MIN_DIGITS);
  }
}

export function claimCardDigits(canvas: RedactionCanvas, groups: readonly DigitGroup[], minDigits: number): boolean {
  if (groups.length === 0 || digitCount(groups) < minDigits) return false;
  return canvas.claim(groups[0].start, groups[groups.length - 1].end, 'card');
}
