// Generators shared by the privacy specs (a *-spec-kit file: kept out of dist).
import fc from 'fast-check';
import { passesLuhn } from './digit-runs.js';

/** Pinned, so which dates count as birth dates does not move with the clock. */
export const SPEC_YEAR = 2026;

export const digitsOnly = (text: string): string => text.replace(/\D/g, '');

const withLuhnCheckDigit = (body: string): string => body + [...Array(10).keys()].find((d) => passesLuhn(body + d))!;

/** A Luhn-valid card number of 13 to 19 digits. */
export const cardNumber = (minLength = 13, maxLength = 19): fc.Arbitrary<string> =>
  fc
    .integer({ min: minLength, max: maxLength })
    .chain((length) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length - 1, maxLength: length - 1 }),
    )
    .map(withLuhnCheckDigit);

/** Cut into groups of `size`, the last one shorter. */
export const chunks = (digits: string, size = 4): string[] => digits.match(new RegExp(`.{1,${size}}`, 'g')) ?? [];

/** How a card's digits are printed: unbroken, 4-4-4-…, or Amex/Diners 4-6-5 / 4-6-4. */
export function cardGroups(digits: string): fc.Arbitrary<string[]> {
  const layouts = [[digits], chunks(digits)];
  if (digits.length === 15 || digits.length === 14)
    layouts.push([digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)]);
  return fc.constantFrom(...layouts);
}

/** Every separator speech-to-text puts between card digit groups. */
export const cardSeparator = fc.constantFrom(' ', '  ', '-', '.', ',', ', ', '/', ' - ', ' / ');

/** Groups joined by a random separator each. */
export const joinWithSeparators = (groups: string[]): fc.Arbitrary<string> =>
  fc
    .array(cardSeparator, { minLength: groups.length, maxLength: groups.length })
    .map((separators) => groups.map((group, i) => (i === 0 ? group : separators[i] + group)).join(''));

/** Any text without digits (digits around would blur what the assertions look for). */
export const textWithoutDigits = fc.string({ maxLength: 40 }).map((text) => text.replace(/\d/g, ''));

/**
 * Words with no digits and no birth words, including the ones that sit near numbers ("card", "account",
 * "phone"), to surround numbers that must survive.
 */
export const neutralWords = fc
  .array(
    fc.constantFrom(
      'please',
      'check',
      'the',
      'server',
      'at',
      'my',
      'since',
      'is',
      'down',
      'thanks',
      'when',
      'will',
      'it',
      'arrive',
      'card',
      'visa',
      'account',
      'phone',
      'call',
      'number',
      ',',
      '.',
    ),
    { maxLength: 6 },
  )
  .map((words) => words.join(' '));
