import { digitCount, digitRuns, type DigitRun, PHONE_GAP } from './digit-runs.js';
import type { RedactionCanvas } from './redaction-canvas.js';

const PHONE_MIN_DIGITS = 7;
const PHONE_MAX_DIGITS = 15;
/** Only a country code after `+` is this short; other groups of one digit are not phone digits. */
const MIN_GROUP_DIGITS = 2;
const WORD_CHAR = /\w/;

/**
 * Phone numbers → [PHONE]: 7 to 15 digits in groups of 2 or more (`+1 415 555 2671`, `(415) 555-2671`,
 * `415.555.2671`, `07700 900123`, `+44 20 7946 0958`), not glued to a letter (`A1234567` is a code).
 * Runs last: whatever an earlier rule redacted or kept (IP addresses, dates, order numbers) is not a
 * phone. Works on digit groups rather than one regex, so it stays linear on any input.
 */
export function redactPhoneNumbers(canvas: RedactionCanvas): void {
  const text = canvas.view();
  for (const run of digitRuns(text, PHONE_GAP)) {
    for (const part of phoneShapedParts(text, run)) {
      const digits = digitCount(part);
      if (digits < PHONE_MIN_DIGITS || digits > PHONE_MAX_DIGITS) continue;
      let start = part[0].start;
      const end = part[part.length - 1].end;
      if (text[start - 1] === '(' || text[start - 1] === '+') start--;
      if (WORD_CHAR.test(text[start - 1] ?? '') || WORD_CHAR.test(text[end] ?? '')) continue;
      canvas.claim(start, end, 'phone');
    }
  }
}

/** The run cut at groups too short for a phone number; a one-digit group right after `+` stays. */
function phoneShapedParts(text: string, run: DigitRun): DigitRun[] {
  const parts: DigitRun[] = [[]];
  for (const group of run) {
    const countryCode = parts[parts.length - 1].length === 0 && text[group.start - 1] === '+';
    if (group.digits.length >= MIN_GROUP_DIGITS || countryCode) parts[parts.length - 1].push(group);
    else parts.push([]);
  }
  return parts.filter((part) => part.length > 0);
}
