import { digitCount, digitRuns, type DigitRun, NUMBER_GAP, runStartingAt } from './digit-runs.js';
import type { RedactionCanvas } from './redaction-canvas.js';

/**
 * Words that introduce an account number, then the small words that may follow them ("account number
 * is", "sort code:", "customer ID #"). "member", "policy", "customer" count only with number/no/ID.
 * Each filler word needs its own separator and the two share no character: no bad backtracking.
 */
const ACCOUNT_LABEL_BEFORE_DIGITS = new RegExp(
  String.raw`\b(?:(?:bank )?account|acct|a/c|routing|sort code|iban|(?:member(?:ship)?|policy|customer|client)(?=[\s:#.,-]{1,3}(?:number|no|num|id)\b|[\s:]{0,2}#))\b` +
    String.raw`(?:[\s:#.,-]{1,3}(?:number|no|num|id|code|is|was|it's|its|my|the)\b){0,4}[\s:#.,-]{0,3}(?=\d)`,
  'gi',
);
/** A labelled account number has at least this many digits (a sort code has 6). */
const LABELLED_MIN_DIGITS = 6;
/** Unlabelled, this many digits and more is an account number, card or not. */
const UNLABELLED_MIN_DIGITS = 16;
/** Groups of fewer digits are prices, times or lists ("12.50, 13.75"), not parts of an account number. */
const UNLABELLED_MIN_GROUP_DIGITS = 3;

/**
 * Account numbers (the Luhn rule has taken the cards) → [ACCOUNT]:
 * - labelled: 6+ digits, in groups joined as card digits are, right after "account", "acct", "a/c",
 *   "routing", "sort code", or "member/policy/customer/client" + "number/no/ID/#" (a few small words
 *   like "number is" may stand between);
 * - unlabelled (`redactLongDigitRuns`): 16+ digits in groups of 3 or more, or one unbroken group, joined
 *   as card digits are.
 * IP addresses and dates are kept before both rules, order/ticket numbers before the unlabelled one.
 */
export function redactLabelledAccountNumbers(canvas: RedactionCanvas): void {
  const text = canvas.view();
  for (const label of text.matchAll(ACCOUNT_LABEL_BEFORE_DIGITS)) {
    const run = runStartingAt(text, label.index + label[0].length, NUMBER_GAP);
    if (digitCount(run) >= LABELLED_MIN_DIGITS) canvas.claim(run[0].start, run[run.length - 1].end, 'account');
  }
}

export function redactLongDigitRuns(canvas: RedactionCanvas): void {
  for (const run of digitRuns(canvas.view(), NUMBER_GAP)) {
    for (const part of splitAtShortGroups(run)) {
      if (digitCount(part) >= UNLABELLED_MIN_DIGITS) canvas.claim(part[0].start, part[part.length - 1].end, 'account');
    }
  }
}

function splitAtShortGroups(run: DigitRun): DigitRun[] {
  const parts: DigitRun[] = [[]];
  for (const group of run) {
    if (group.digits.length >= UNLABELLED_MIN_GROUP_DIGITS) parts[parts.length - 1].push(group);
    else parts.push([]);
  }
  return parts.filter((part) => part.length > 0);
}
