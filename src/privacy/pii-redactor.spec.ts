import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passesLuhn, redactPii } from './pii-redactor.js';

describe(redactPii.name, () => {
  it('redacts Luhn-valid card numbers written with spaces, dashes or none', () => {
    for (const card of ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111', '378282246310005']) {
      expect(redactPii(`my card is ${card} thanks`)).toEqual({ text: 'my card is [CARD] thanks', found: { card: 1 } });
    }
  });

  it('leaves long numbers that fail the Luhn check as they are (order numbers are not cards)', () => {
    expect(redactPii('order 4111 1111 1111 1112 is late').text).toBe('order 4111 1111 1111 1112 is late');
  });

  it('redacts social security numbers but not impossible ones', () => {
    expect(redactPii('SSN 123-45-6789.').text).toBe('SSN [SSN].');
    expect(redactPii('code 000-12-3456').text).not.toContain('[SSN]');
  });

  it('redacts e-mail addresses', () => {
    expect(redactPii('write to jane.doe+bills@mail.example.co.uk please')).toEqual({
      text: 'write to [EMAIL] please',
      found: { email: 1 },
    });
  });

  it('redacts phone numbers in common shapes, not short numbers', () => {
    for (const phone of ['+1 415 555 2671', '(415) 555-2671', '415.555.2671', '07700 900123', '+44 20 7946 0958']) {
      expect(redactPii(`call me on ${phone}`).text).toBe('call me on [PHONE]');
    }
    expect(redactPii('flight 2471 at gate 12, row 33').text).toBe('flight 2471 at gate 12, row 33');
    expect(redactPii('order 12345').text).toBe('order 12345');
  });

  it('counts each kind found', () => {
    const { found } = redactPii('4111111111111111 and 5555555555554444, a@b.io, 415-555-2671, 123-45-6789');
    expect(found).toEqual({ card: 2, email: 1, phone: 1, ssn: 1 });
  });

  it('never leaves a Luhn-valid 16-digit card number behind (property)', () => {
    const cardDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 }).map((digits) => {
      const body = digits.join('');
      const check = [...Array(10).keys()].find((d) => passesLuhn(body + d))!;
      return body + check;
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), cardDigits, fc.string({ maxLength: 40 }), (before, card, after) => {
        const { text } = redactPii(`${before} ${card} ${after}`);
        expect(text).not.toContain(card);
      }),
    );
  });

  it('stays linear on hostile input', () => {
    const hostile = `${'1 '.repeat(20_000)}${'a@'.repeat(20_000)}${'(1'.repeat(20_000)}`;
    const { text } = redactPii(hostile);
    expect(text.length).toBeGreaterThan(0);
  });
});

describe(passesLuhn.name, () => {
  it('accepts valid and rejects invalid check digits', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });
});
