/** What a redaction replaced, for counting; never the text itself. */
export type PiiKind = 'card' | 'ssn' | 'email' | 'phone';

export interface Redaction {
  text: string;
  found: Partial<Record<PiiKind, number>>;
}

// Each pattern is linear: bounded repetitions, no nested quantifiers over the same characters.
const DIGIT_RUN = /\d(?:[ -]?\d){12,}/g;
/** Beyond this the text is not transcript speech; callers cap utterances far below it. */
const MAX_INPUT_CHARS = 20_000;
const SSN = /\b(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}\b/g;
const EMAIL = /\b[\w.%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}\b/gi;
const PHONE = /(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}\b/g;

const PHONE_MIN_DIGITS = 7;
const PHONE_MAX_DIGITS = 15;

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

/**
 * Replaces payment card numbers (Luhn-checked), US social security numbers, e-mail addresses and
 * phone numbers with placeholders, before transcript text leaves the service or reaches a log.
 * Works on digits as written; numbers spoken as words ("four one one…") are not recognised.
 */
export function redactPii(input: string): Redaction {
  const found: Partial<Record<PiiKind, number>> = {};
  const count = (kind: PiiKind) => (found[kind] = (found[kind] ?? 0) + 1);
  let text = input.length > MAX_INPUT_CHARS ? input.slice(0, MAX_INPUT_CHARS) : input;
  text = text.replace(DIGIT_RUN, (run) => redactCardsInRun(run, () => count('card')));
  text = text.replace(SSN, () => (count('ssn'), '[SSN]'));
  text = text.replace(EMAIL, () => (count('email'), '[EMAIL]'));
  text = text.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '').length;
    if (digits < PHONE_MIN_DIGITS || digits > PHONE_MAX_DIGITS) return match;
    count('phone');
    return '[PHONE]';
  });
  return { text, found };
}

/**
 * A run of digit groups may hold a card number next to other digits ("4111 1111 1111 1111 3"). A card
 * is looked for along whole groups only, longest first, so an order number is not cut into a false card.
 */
function redactCardsInRun(run: string, onCard: () => void): string {
  const groups = [...run.matchAll(/\d+/g)].map((match) => ({
    digits: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
  let out = '';
  let copiedUpTo = 0;
  for (let first = 0; first < groups.length;) {
    let cardEnd = -1;
    let digits = '';
    for (let last = first; last < groups.length && digits.length + groups[last].digits.length <= 19; last++) {
      digits += groups[last].digits;
      if (digits.length >= 13 && passesLuhn(digits)) cardEnd = last;
    }
    if (cardEnd < 0) {
      first++;
      continue;
    }
    out += run.slice(copiedUpTo, groups[first].start) + '[CARD]';
    copiedUpTo = groups[cardEnd].end;
    onCard();
    first = cardEnd + 1;
  }
  return out + run.slice(copiedUpTo);
}
