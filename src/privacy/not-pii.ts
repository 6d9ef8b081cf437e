import { isDayAndMonth, isDayOfMonth, ISO_DATE, NUMERIC_DATE } from './date-patterns.js';
import { REFERENCE_GAP, runStartingAt } from './digit-runs.js';
import type { RedactionCanvas } from './redaction-canvas.js';

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = new RegExp(String.raw`(?<![\d.])\b${OCTET}(?:\.${OCTET}){3}\b(?!\.?\d)`, 'g');

/** "order number is", "ticket #", "case:", "tracking no." right before the digits. */
const REFERENCE_LABEL_BEFORE_DIGITS = new RegExp(
  String.raw`\b(?:order|ticket|case|reference|ref|confirmation|tracking|invoice|booking|reservation|incident)\b` +
    String.raw`(?:[\s:#.,-]{1,3}(?:number|no|num|id|code|is|was|it's|its)\b){0,3}[\s:#.,-]{0,3}(?=\d)`,
  'gi',
);
/** An order number said in groups ("4471 2290 118") has short groups; a long one is said in one piece. */
const REFERENCE_MAX_GROUP_DIGITS = 5;
const REFERENCE_MAX_DIGITS = 24;

// Text that has the digits of personal data but is not, kept as written so the search can use it and no
// later rule turns it into [PHONE] or [ACCOUNT]. Both rules run after the card rule (a Luhn-valid card
// after "order number" is still redacted) and after the date-of-birth rule.

/** IPv4 addresses, ISO dates and timestamps, and other numeric dates (recent ones: old ones are DOBs). */
export function keepIpAddressesAndDates(canvas: RedactionCanvas): void {
  const text = canvas.view();
  for (const match of text.matchAll(IPV4)) canvas.claim(match.index, match.index + match[0].length, 'keep');
  for (const match of text.matchAll(ISO_DATE)) {
    if (isDayOfMonth(Number(match[4]), Number(match[3]))) {
      canvas.claim(match.index, match.index + match[0].length, 'keep');
    }
  }
  for (const match of text.matchAll(NUMERIC_DATE)) {
    if (isDayAndMonth(Number(match[1]), Number(match[3]))) {
      canvas.claim(match.index, match.index + match[0].length, 'keep');
    }
  }
}

/**
 * Order, ticket, case, reference, confirmation, tracking and invoice numbers. After the labelled account
 * rule, so "account reference 12345678" stays an account number.
 */
export function keepReferenceNumbers(canvas: RedactionCanvas): void {
  const text = canvas.view();
  for (const label of text.matchAll(REFERENCE_LABEL_BEFORE_DIGITS)) {
    const run = runStartingAt(text, label.index + label[0].length, REFERENCE_GAP);
    // "order 12345678 415 555 2671": past a long group, what follows is another number (a phone).
    const grouped = run[0].digits.length <= REFERENCE_MAX_GROUP_DIGITS;
    let end = 0;
    let digits = 0;
    for (const group of grouped ? run : run.slice(0, 1)) {
      if (group.digits.length > REFERENCE_MAX_GROUP_DIGITS && end > 0) break;
      if (digits + group.digits.length > REFERENCE_MAX_DIGITS && end > 0) break;
      digits += group.digits.length;
      end = group.end;
    }
    canvas.claim(run[0].start, end, 'keep');
  }
}
