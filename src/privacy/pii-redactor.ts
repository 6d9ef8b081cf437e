import { type CardCarry, nextCarry, redactCardContinuation } from './card-carry.js';
import { redactCardNumbers, redactDigitsAfterCardWords } from './card-numbers.js';
import { redactLabelledAccountNumbers, redactLongDigitRuns } from './account-numbers.js';
import { redactDatesOfBirth } from './dates-of-birth.js';
import { redactEmails } from './email.js';
import { redactIbans } from './iban.js';
import { keepIpAddressesAndDates, keepReferenceNumbers } from './not-pii.js';
import { redactPhoneNumbers } from './phone-numbers.js';
import type { PiiKind } from './pii-kinds.js';
import { RedactionCanvas } from './redaction-canvas.js';
import { redactSocialSecurityNumbers } from './ssn.js';

export { passesLuhn } from './digit-runs.js';
export { PII_KINDS, type PiiKind } from './pii-kinds.js';
export type { CardCarry } from './card-carry.js';

export interface Redaction {
  text: string;
  /** What was replaced, per kind, for counting; never the text itself. */
  found: Partial<Record<PiiKind, number>>;
}

export interface RedactionOptions {
  /** Decides which dates are old enough to be birth dates; the current year unless a test pins it. */
  currentYear?: number;
}

/** Beyond this the text is not transcript speech; callers cap utterances far below it. */
const MAX_INPUT_CHARS = 20_000;

/**
 * Replaces personal data with placeholders ([CARD], [IBAN], [ACCOUNT], [SSN], [DOB], [EMAIL], [PHONE])
 * before transcript text leaves the service or reaches a log. Works on digits as written; numbers
 * spoken as words ("four one one…") are not recognised.
 *
 * The input is capped first; every rule is linear (bounded regexes, or a walk over digit groups). Rules
 * run in this order, and what one claims (redacts, or keeps as not personal) no later rule sees, which
 * is how an order number or an IP address escapes the phone rule while a card after "order" does not.
 */
export function redactPii(input: string, options: RedactionOptions = {}): Redaction {
  const { text, found } = redactUtterance(input, undefined, options);
  return { text, found };
}

/**
 * `redactPii` for one utterance of an interaction: `carry` is what the previous utterance left (card
 * digits spoken across a pause), and the result's `carry` goes to the next one (see PrivacyService).
 */
export function redactUtterance(
  input: string,
  carry: CardCarry | undefined,
  options: RedactionOptions = {},
): Redaction & { carry: CardCarry | undefined } {
  const canvas = new RedactionCanvas(input.length > MAX_INPUT_CHARS ? input.slice(0, MAX_INPUT_CHARS) : input);
  redactEmails(canvas);
  redactIbans(canvas);
  redactCardNumbers(canvas);
  redactSocialSecurityNumbers(canvas);
  redactDatesOfBirth(canvas, options.currentYear ?? new Date().getFullYear());
  keepIpAddressesAndDates(canvas);
  redactLabelledAccountNumbers(canvas);
  keepReferenceNumbers(canvas);
  const opening = redactCardContinuation(canvas, carry);
  redactDigitsAfterCardWords(canvas);
  redactLongDigitRuns(canvas);
  redactPhoneNumbers(canvas);
  return { ...canvas.render(), carry: nextCarry(canvas.original, carry, opening) };
}
