/** A maximal sequence of ASCII digits in the text, with its position. */
export interface DigitGroup {
  digits: string;
  start: number;
  end: number;
}

/** Groups joined by separators, as a number is written: `4111 1111`, `4471-2290-118`. */
export type DigitRun = DigitGroup[];

/** A separator is a handful of characters; anything longer ends the number. */
const MAX_GAP_CHARS = 5;

/**
 * Between the digit groups of a card or account number: space(s), `-`, `.`, `,`, `/`, each possibly with
 * spaces around (`4111, 1111`, `4111  1111`, `4111 - 1111`), as speech-to-text writes them.
 */
export const NUMBER_GAP = /^ {0,2}[-.,/]? {0,2}$/;
/** Between the groups of a phone number: `(415) 555-2671`, `+1 (415) 555 2671`, `415.555.2671`. */
export const PHONE_GAP = /^(?: ?[()] ?| {1,2}|[.-]| - )$/;
/** Between the groups of an order or ticket number: one space or dash (`4471 2290 118`). */
export const REFERENCE_GAP = /^[ -]$/;

export function digitGroups(text: string): DigitGroup[] {
  return [...text.matchAll(/\d+/g)].map((match) => ({
    digits: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
}

export function joinedBy(text: string, before: DigitGroup, after: DigitGroup, gap: RegExp): boolean {
  return after.start - before.end <= MAX_GAP_CHARS && gap.test(text.slice(before.end, after.start));
}

/** The groups of `text` cut into runs: consecutive groups stay in one run while `gap` joins them. */
export function digitRuns(text: string, gap: RegExp, groups = digitGroups(text)): DigitRun[] {
  const runs: DigitRun[] = [];
  for (const group of groups) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && joinedBy(text, last, group, gap)) run.push(group);
    else runs.push([group]);
  }
  return runs;
}

/** The run that begins with the group starting exactly at `position`, if any. */
export function runStartingAt(text: string, position: number, gap: RegExp): DigitRun {
  const run: DigitRun = [];
  const digitsFrom = /\d+/y;
  digitsFrom.lastIndex = position;
  for (let match = digitsFrom.exec(text); match; match = digitsFrom.exec(text)) {
    const group = { digits: match[0], start: match.index, end: match.index + match[0].length };
    const last = run.at(-1);
    if (last && !joinedBy(text, last, group, gap)) break;
    run.push(group);
    const next = nextDigitWithin(text, group.end, MAX_GAP_CHARS + 1);
    if (next < 0) break;
    digitsFrom.lastIndex = next;
  }
  return run;
}

function nextDigitWithin(text: string, from: number, limit: number): number {
  for (let i = from; i < text.length && i < from + limit; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) return i;
  }
  return -1;
}

export const digitCount = (groups: readonly DigitGroup[]): number =>
  groups.reduce((sum, group) => sum + group.digits.length, 0);

/** The Luhn checksum that every payment card number satisfies. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}
