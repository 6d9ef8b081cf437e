import { describe, expect, it } from 'vitest';
import { PII_KINDS, passesLuhn, redactPii } from './pii-redactor.js';

/** Pinned, so which dates count as birth dates does not move with the clock. */
const YEAR = 2026;
const redact = (text: string) => redactPii(text, { currentYear: YEAR });
const redacted = (text: string) => redact(text).text;

describe(redactPii.name, () => {
  describe('card numbers', () => {
    it('redacts Luhn-valid cards whatever separates the digit groups', () => {
      for (const card of [
        '4111 1111 1111 1111',
        '4111-1111-1111-1111',
        '4111111111111111',
        '4111, 1111, 1111, 1111',
        '4111,1111,1111,1111',
        '4111.1111.1111.1111',
        '4111/1111/1111/1111',
        '4111  1111  1111  1111',
        '4111 - 1111 - 1111 - 1111',
        '4111, 1111-1111.1111',
        '378282246310005',
        '3782 822463 10005',
        '3056 930902 5904',
        '4222222222222',
        '4222 2222 2222 2',
      ]) {
        expect(redact(`my card is ${card} thanks`)).toEqual({ text: 'my card is [CARD] thanks', found: { card: 1 } });
      }
    });

    it('finds a card along whole groups inside a longer run of digits', () => {
      expect(redacted('ref 12 4111 1111 1111 1111')).toBe('ref 12 [CARD]');
    });

    it('does not take dates, IP addresses or prices for cards, whatever their checksum', () => {
      // The digits of each pass the Luhn check: only the grouping says they are not a card.
      for (const text of [
        'prices 12.50, 13.75, 14.20, 15.94',
        'hosts 192.168.100.200, 10.0.0.7',
        'from 2026-11-30, 2026-12-17',
      ]) {
        expect(redact(text)).toEqual({ text, found: {} });
      }
    });
  });

  describe('digits after card words', () => {
    it('redacts a partial card number said right after card words', () => {
      expect(redacted('my card number is 4111 1111')).toBe('my card number is [CARD]');
      expect(redacted('visa ending in 1111, right')).toBe('visa ending in [CARD], right');
      expect(redacted('credit card: 4111 1111 1111')).toBe('credit card: [CARD]');
      expect(redacted('Mastercard 5555, 5555')).toBe('Mastercard [CARD]');
    });

    it('leaves amounts and short numbers near card words alone', () => {
      for (const text of [
        'my credit limit is 5000',
        'my card was charged 2000 dollars',
        'a debit of 1500',
        'card 123',
      ]) {
        expect(redacted(text)).toBe(text);
      }
    });
  });

  describe('IBANs', () => {
    it('redacts IBANs that pass the mod-97 check, grouped or not, in any case', () => {
      for (const iban of [
        'DE89 3704 0044 0532 0130 00',
        'GB82 WEST 1234 5698 7654 32',
        'gb82west12345698765432',
        'NL91ABNA0417164300',
        'FR14 2004 1010 0505 0001 3M02 606',
      ]) {
        expect(redact(`pay to ${iban} today`)).toEqual({ text: 'pay to [IBAN] today', found: { iban: 1 } });
      }
    });

    it('does not swallow a word after the last group, nor miss an IBAN behind a lookalike', () => {
      expect(redacted('ES91 2100 0418 4502 0005 1332 then')).toBe('[IBAN] then');
      expect(redacted('AB12 DE89 3704 0044 0532 0130 00')).toBe('AB12 [IBAN]');
    });

    it('leaves IBAN-shaped text that fails the check unredacted as an IBAN', () => {
      expect(redacted('code XY12 ABCD EFGH IJKL')).toBe('code XY12 ABCD EFGH IJKL');
      expect(redacted('DE89 3704 0044 0532 0130 01')).not.toContain('[IBAN]');
    });
  });

  describe('account numbers', () => {
    it('redacts 6+ digits after account words', () => {
      for (const [text, expected] of [
        ['account number 12345678', 'account number [ACCOUNT]'],
        ['acct: 987654321.', 'acct: [ACCOUNT].'],
        ['my a/c is 1234 5678', 'my a/c is [ACCOUNT]'],
        ['routing number 021000021', 'routing number [ACCOUNT]'],
        ['sort code 12-34-56', 'sort code [ACCOUNT]'],
        ['member number 55501234', 'member number [ACCOUNT]'],
        ['policy no. 0098765432', 'policy no. [ACCOUNT]'],
        ['customer ID 7654321', 'customer ID [ACCOUNT]'],
      ]) {
        expect(redact(text)).toEqual({ text: expected, found: { account: 1 } });
      }
    });

    it('redacts unlabelled runs of 16+ digits that are not cards', () => {
      expect(redact('it is 4111 1111 1111 1112 ok')).toEqual({ text: 'it is [ACCOUNT] ok', found: { account: 1 } });
      expect(redacted('number 12345678901234567890')).toBe('number [ACCOUNT]');
    });

    it('leaves short numbers after account words, and calls a Luhn-valid card a card', () => {
      expect(redacted('account 12345 is closed')).toBe('account 12345 is closed');
      expect(redacted('account 4111 1111 1111 1111')).toBe('account [CARD]');
    });
  });

  describe('social security numbers', () => {
    it('redacts social security numbers but not impossible ones', () => {
      expect(redacted('SSN 123-45-6789.')).toBe('SSN [SSN].');
      expect(redacted('code 000-12-3456')).not.toContain('[SSN]');
    });
  });

  describe('dates of birth', () => {
    it('redacts numeric and spelled dates at least 10 years back', () => {
      for (const date of [
        '03/14/1985',
        '14.03.1985',
        '14-03-1985',
        'March 14th 1985',
        '14 March 1985',
        'Mar 14, 1985',
        '14th of March 1985',
        'Sept. 3rd, 1971',
        'March 14th 2016',
      ]) {
        expect(redact(`it is ${date} ok`)).toEqual({ text: 'it is [DOB] ok', found: { dob: 1 } });
      }
    });

    it('redacts any date after birth words, recent or ISO or without a year', () => {
      for (const [text, expected] of [
        ['born on 1985-03-14', 'born on [DOB]'],
        ['date of birth: 2020-01-05', 'date of birth: [DOB]'],
        ['DOB 03/14/85', 'DOB [DOB]'],
        ['my birthday is March 14', 'my birthday is [DOB]'],
        ['I was born in Leeds on the 14th of March, 1985', 'I was born in Leeds on [DOB]'],
      ]) {
        expect(redacted(text)).toBe(expected);
      }
    });

    it('leaves recent dates, and ISO dates without birth words, for the search', () => {
      for (const text of [
        'my bill of March 3rd 2026',
        'since March 14th 2017',
        'due 03/12/2026',
        'on 1985-03-14 we opened',
        'on 2026-11-30',
      ]) {
        expect(redact(text)).toEqual({ text, found: {} });
      }
    });
  });

  describe('numbers that are not personal data', () => {
    it('keeps IP addresses, ISO dates and timestamps, and order, ticket and case numbers', () => {
      for (const text of [
        'server 192.168.10.25 is down',
        'since 2026-11-30',
        'at 2026-11-30T14:05 and 2026-11-30 14:05:09Z',
        'order 12345678',
        'order number 4471 2290 118',
        'ticket #88231457',
        'case 00123456',
        'tracking number 9400111899223344556677',
        'invoice no. 20261130',
        'confirmation code 1234567',
      ]) {
        expect(redact(text)).toEqual({ text, found: {} });
      }
    });

    it('still redacts a Luhn-valid card after "order", and a phone after an order number', () => {
      expect(redacted('order number 4111 1111 1111 1111')).toBe('order number [CARD]');
      expect(redacted('order 12345678 415 555 2671')).toBe('order 12345678 [PHONE]');
    });
  });

  describe('e-mail addresses and phone numbers', () => {
    it('redacts e-mail addresses', () => {
      expect(redact('write to jane.doe+bills@mail.example.co.uk please')).toEqual({
        text: 'write to [EMAIL] please',
        found: { email: 1 },
      });
    });

    it('redacts phone numbers in common shapes, not short numbers or codes', () => {
      for (const phone of [
        '+1 415 555 2671',
        '(415) 555-2671',
        '415.555.2671',
        '07700 900123',
        '+44 20 7946 0958',
        '+1 (415) 555-2671',
      ]) {
        expect(redacted(`call me on ${phone}`)).toBe('call me on [PHONE]');
      }
      for (const text of ['flight 2471 at gate 12, row 33', 'order 12345', 'part A1234567', 'pi is 3.14']) {
        expect(redacted(text)).toBe(text);
      }
    });
  });

  it('counts each kind found', () => {
    const { found } = redact(
      '4111111111111111 and 5555555555554444, a@b.io, 415-555-2671, 123-45-6789, DE89370400440532013000, ' +
        'account 12345678, born 1985-03-14',
    );
    expect(found).toEqual({ card: 2, email: 1, phone: 1, ssn: 1, iban: 1, account: 1, dob: 1 });
  });

  it('exports every kind it can report', () => {
    expect([...PII_KINDS].sort()).toEqual(['account', 'card', 'dob', 'email', 'iban', 'phone', 'ssn']);
  });

  describe('hostile input', () => {
    const nearMisses = [
      '1 ',
      '1, ',
      '1/',
      '1.',
      '1-',
      '4111 ',
      'AB12 ',
      'ab12cdef',
      'March 1 ',
      '1 March ',
      'born ',
      'card number ',
      'account ',
      'order ',
      '192.168.',
      '2026-11-',
      '+1 (',
      '(1',
      'a@',
      'a@b.',
    ];

    it.each(nearMisses)('stays linear on 20,000 repetitions of %j', (shape) => {
      const hostile = shape.repeat(20_000);
      const started = performance.now();
      const { text } = redactPii(hostile);
      const elapsedMs = performance.now() - started;
      console.log(`[measure] ${JSON.stringify(shape)} x 20000: ${elapsedMs.toFixed(1)} ms`);
      expect(text.length).toBeGreaterThan(0);
    });

    it('caps the input before any rule reads it: 2 MB gives what its first 20,000 characters give', () => {
      const twoMegabytes = 'my card is 4111 1111 1111 1111 '.repeat(70_000);
      expect(twoMegabytes.length).toBeGreaterThan(2_000_000);
      expect(redactPii(twoMegabytes)).toEqual(redactPii(twoMegabytes.slice(0, 20_000)));
    });
  });
});

describe(passesLuhn.name, () => {
  it('accepts valid and rejects invalid check digits', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });
});
