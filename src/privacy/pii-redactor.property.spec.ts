import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passesIbanCheck } from './iban.js';
import { passesLuhn } from './digit-runs.js';
import { redactPii } from './pii-redactor.js';
import {
  cardGroups,
  cardNumber,
  chunks,
  digitsOnly,
  joinWithSeparators,
  neutralWords,
  SPEC_YEAR,
  textWithoutDigits,
} from './pii-spec-kit.js';

const redacted = (text: string) => redactPii(text, { currentYear: SPEC_YEAR }).text;
const pad = (n: number) => String(n).padStart(2, '0');

describe('PII redaction properties', () => {
  it('never leaves a Luhn-valid card behind, whatever separates its digit groups', () => {
    const writtenCard = cardNumber().chain((digits) =>
      cardGroups(digits)
        .chain(joinWithSeparators)
        .map((written) => ({ digits, written })),
    );
    fc.assert(
      fc.property(textWithoutDigits, writtenCard, textWithoutDigits, (before, card, after) => {
        const text = redacted(`${before} ${card.written} ${after}`);
        expect(text).not.toContain(card.written);
        expect(digitsOnly(text)).not.toContain(card.digits);
      }),
    );
  });

  it('never leaves a valid IBAN behind, grouped by 4 or not, in any case', () => {
    const alphanumeric = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
    const iban = fc
      .tuple(
        fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 2, maxLength: 2 }),
        fc.string({ unit: alphanumeric, minLength: 11, maxLength: 30 }),
      )
      .map(([country, account]) => {
        // Check digits chosen so that the whole passes mod-97, as the bank's do.
        const check = [...Array(97).keys()].map(pad).find((digits) => passesIbanCheck(country + digits + account))!;
        return country + check + account;
      });
    const written = fc
      .tuple(iban, fc.boolean(), fc.constantFrom('upper', 'lower'))
      .map(([compact, grouped, letterCase]) => {
        const text = grouped ? chunks(compact).join(' ') : compact;
        return { compact, text: letterCase === 'lower' ? text.toLowerCase() : text };
      });
    fc.assert(
      fc.property(textWithoutDigits, written, textWithoutDigits, (before, iban, after) => {
        const text = redacted(`${before} ${iban.text} ${after}`);
        expect(text).not.toContain(iban.text);
        expect(text.replace(/ /g, '').toUpperCase()).not.toContain(iban.compact);
      }),
    );
  });

  it('never leaves a date of birth behind, in any listed format, 10 years back or more', () => {
    const months = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    const ordinal = (day: number) =>
      `${day}${({ 1: 'st', 2: 'nd', 3: 'rd', 21: 'st', 22: 'nd', 23: 'rd' } as Record<number, string>)[day] ?? 'th'}`;
    const birthDate = fc.record({
      year: fc.integer({ min: SPEC_YEAR - 120, max: SPEC_YEAR - 10 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      format: fc.integer({ min: 0, max: 7 }),
      padded: fc.boolean(),
    });
    const written = birthDate.map(({ year, month, day, format, padded }) => {
      const [d, m] = padded ? [pad(day), pad(month)] : [String(day), String(month)];
      const name = months[month - 1];
      const text = [
        `${m}/${d}/${year}`,
        `${d}.${m}.${year}`,
        `${d}-${m}-${year}`,
        `${name} ${ordinal(day)} ${year}`,
        `${day} ${name} ${year}`,
        `${name.slice(0, 3)} ${day}, ${year}`,
        `${ordinal(day)} of ${name} ${year}`,
        `${name} ${day}, ${year}`,
      ][format];
      return { text, year: String(year) };
    });
    fc.assert(
      fc.property(textWithoutDigits, written, textWithoutDigits, (before, date, after) => {
        const text = redacted(`${before} ${date.text} ${after}`);
        expect(text).not.toContain(date.text);
        expect(text).not.toContain(date.year);
      }),
    );
  });

  it('always leaves IP addresses, ISO dates and order numbers that fail Luhn exactly as they are', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const ipAddress = fc.tuple(octet, octet, octet, octet).map((octets) => octets.join('.'));
    const isoDate = fc
      .record({
        year: fc.integer({ min: 1900, max: SPEC_YEAR + 5 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        time: fc.option(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))),
      })
      .map(
        ({ year, month, day, time }) =>
          `${year}-${pad(month)}-${pad(day)}${time ? `T${pad(time[0])}:${pad(time[1])}` : ''}`,
      );
    const digits = (minLength: number, maxLength: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });
    // Grouped ones stay under 13 digits: no run of their groups could be a card.
    const orderNumber = fc
      .oneof(
        digits(6, 20),
        fc
          .array(digits(3, 5), { minLength: 2, maxLength: 3 })
          .filter((groups) => groups.join('').length < 13)
          .chain((groups) => fc.constantFrom(' ', '-').map((gap) => groups.join(gap))),
      )
      .filter((number) => !passesLuhn(digitsOnly(number)));
    const label = fc.constantFrom(
      'order number',
      'order',
      'ticket #',
      'case',
      'reference',
      'tracking number',
      'invoice',
    );
    const survivor = fc.oneof(
      ipAddress,
      isoDate,
      fc.tuple(label, orderNumber).map(([words, number]) => `${words} ${number}`),
    );
    fc.assert(
      fc.property(neutralWords, survivor, neutralWords, (before, number, after) => {
        const text = `${before} ${number} ${after}`;
        expect(redactPii(text, { currentYear: SPEC_YEAR })).toEqual({ text, found: {} });
      }),
    );
  });
});
