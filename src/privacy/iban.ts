import type { RedactionCanvas } from './redaction-canvas.js';

/**
 * Country code, check digits, then the account (11-30 letters and digits: 15-34 in all), unbroken or in
 * groups of 4 ("DE89 3704 0044 0532 0130 00"). The groups have a fixed width, so there is one way to cut
 * the text and the match cannot backtrack badly.
 */
const IBAN_SHAPE = /\b[a-z]{2}\d{2}(?: {0,2}[a-z0-9]{4}){2,7}(?: {0,2}[a-z0-9]{1,4})?\b/gi;
const IBAN_MIN_CHARS = 15;
const IBAN_MAX_CHARS = 34;

/**
 * IBANs → [IBAN], only those passing the ISO 13616 mod-97 check (which rules out 96 in 97 lookalikes).
 * The shape may also take in a word spoken after the last group ("… 0130 00 okay"): shorter prefixes,
 * cut at the written group breaks, are tried too.
 */
export function redactIbans(canvas: RedactionCanvas): void {
  const text = canvas.view();
  IBAN_SHAPE.lastIndex = 0;
  for (let match = IBAN_SHAPE.exec(text); match; match = IBAN_SHAPE.exec(text)) {
    const length = longestValidIbanPrefix(match[0]);
    if (length > 0) {
      canvas.claim(match.index, match.index + length, 'iban');
      IBAN_SHAPE.lastIndex = match.index + length;
    } else {
      // A real IBAN may start inside a lookalike ("AB12 DE89 3704…"): look again one character on.
      IBAN_SHAPE.lastIndex = match.index + 1;
    }
  }
}

/** Length of the longest prefix of `written`, ending at a group break, that is a valid IBAN; 0 if none. */
function longestValidIbanPrefix(written: string): number {
  const ends = [...written.matchAll(/ +/g)].map((space) => space.index).concat(written.length);
  for (const end of ends.reverse()) {
    const compact = written.slice(0, end).replace(/ /g, '');
    if (compact.length < IBAN_MIN_CHARS) break;
    if (compact.length <= IBAN_MAX_CHARS && passesIbanCheck(compact)) return end;
  }
  return 0;
}

/** ISO 13616: move the first four characters to the end, letters become 10-35, the number mod 97 is 1. */
export function passesIbanCheck(iban: string): boolean {
  const rearranged = (iban.slice(4) + iban.slice(0, 4)).toUpperCase();
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}
