import { describe, expect, it } from 'vitest';
import { isContentWord, MAX_SCANNED_CHARS, MAX_TERMS, toTerms } from './terms.js';

/** 30 content words, each with its own stem. */
const TOPICS = [
  'account',
  'balance',
  'card',
  'charge',
  'deposit',
  'fee',
  'interest',
  'loan',
  'mortgage',
  'overdraft',
  'payment',
  'pin',
  'refund',
  'statement',
  'transfer',
  'voicemail',
  'wallet',
  'withdrawal',
  'address',
  'beneficiary',
  'cheque',
  'branch',
  'budget',
  'credit',
  'debit',
  'limit',
  'password',
  'phone',
  'email',
  'login',
];

describe(toTerms.name, () => {
  it('lists every word, lower-cased, in order, function words and numbers included', () => {
    const sut = toTerms('My CARD was Declined at 3 Shops, twice!');

    expect(sut.words).toEqual(['my', 'card', 'was', 'declined', 'at', '3', 'shops', 'twice']);
  });

  it('keeps as content only the words that say what the call is about', () => {
    const sut = toTerms('I would like to dispute a charge on my statement from last week');

    expect(sut.content).toEqual(['dispute', 'charge', 'statement', 'week']);
    expect(sut.stems).toEqual(['disput', 'charg', 'statement', 'week']);
  });

  it('finds no content in greetings, thanks and back-channel', () => {
    const sut = toTerms('Hi there! Yeah, okay, thanks so much, hmm, sorry, sure, that sounds great');

    expect(sut.words).toHaveLength(13);
    expect(sut.content).toEqual([]);
    expect(sut.stems).toEqual([]);
  });

  it('finds no content in numbers, spelled numbers, months and weekdays', () => {
    const sut = toTerms('4 0 1 2 twenty second of March, Friday, nineteen ninety nine, sixth, 2024');

    expect(sut.words).toContain('march');
    expect(sut.content).toEqual([]);
  });

  it('keeps content words said around digits', () => {
    const sut = toTerms('the card ending 4821 was swallowed by the ATM');

    expect(sut.content).toEqual(['card', 'ending', 'swallowed', 'atm']);
  });

  it('reads a possessive as its word, stemmed as the word alone', () => {
    const possessive = toTerms("My partner's card was declined at the supermarket's till");
    const plain = toTerms('My partner card was declined at the supermarket till');

    expect(possessive.words).toContain("partner's");
    expect(possessive.content).toEqual(["partner's", 'card', 'declined', "supermarket's", 'till']);
    // Learning keys on stems: "partner's card" and "partner card" are the same question.
    expect(possessive.stems).toEqual(plain.stems);
  });

  it('reads curly apostrophes as straight ones', () => {
    const sut = toTerms('I can’t open my daughter’s account');

    expect(sut.words).toEqual(['i', "can't", 'open', 'my', "daughter's", 'account']);
    expect(sut.content).toEqual(['open', "daughter's", 'account']);
    expect(sut.stems).toEqual(toTerms("I can't open my daughter's account").stems);
  });

  it('lists each content word once, whatever its case, and each stem once', () => {
    const sut = toTerms('Refund the charge. REFUND it: I was charged twice, two charges, refund!');

    expect(sut.content).toEqual(['refund', 'charge', 'charged', 'twice', 'charges']);
    expect(sut.stems).toEqual(['refund', 'charg', 'twice']);
  });

  it(`keeps at most MAX_TERMS (${MAX_TERMS}) content words, the first ones said, and every word`, () => {
    expect(TOPICS.length).toBeGreaterThan(MAX_TERMS);

    const sut = toTerms(TOPICS.join(' '));

    expect(sut.content).toEqual(TOPICS.slice(0, MAX_TERMS));
    expect(sut.stems).toHaveLength(MAX_TERMS);
    expect(sut.stems).not.toContain('login');
    expect(sut.words).toEqual(TOPICS);
  });

  it('skips words longer than 40 characters', () => {
    const sut = toTerms(`reset ${'x'.repeat(41)} ${'y'.repeat(40)} pin`);

    expect(sut.words).toEqual(['reset', 'y'.repeat(40), 'pin']);
    expect(sut.content).toEqual(['reset', 'y'.repeat(40), 'pin']);
  });

  it(`reads only the first MAX_SCANNED_CHARS (${MAX_SCANNED_CHARS}) characters, so 2 MB cost what 2 KB do`, () => {
    const head = 'card '.repeat(MAX_SCANNED_CHARS / 'card '.length);
    expect(head).toHaveLength(MAX_SCANNED_CHARS);
    const huge = head + 'overdraft mortgage '.repeat(Math.ceil(2_000_000 / 'overdraft mortgage '.length));

    const sut = toTerms(huge);

    expect(sut.words).toHaveLength(MAX_SCANNED_CHARS / 'card '.length);
    expect(new Set(sut.words)).toEqual(new Set(['card']));
    expect(sut.content).toEqual(['card']);
    expect(sut).toEqual(toTerms(head));
  });
});

describe(isContentWord.name, () => {
  it.each(['statement', 'voicemail', 'b2b', 'atm', "customer's", 'é'.repeat(2)])('counts "%s"', (word) => {
    expect(isContentWord(word)).toBe(true);
  });

  it.each([
    ['a lone letter', 'x'],
    ['digits', '2024'],
    ['a function word', 'the'],
    ['a contraction', "doesn't"],
    ['a greeting', 'hello'],
    ['thanks', 'thanks'],
    ['back-channel', 'mhm'],
    ['a spelled number', 'seventeen'],
    ['an ordinal', 'twelfth'],
    ['a month', 'september'],
    ['a possessive of a month', "june's"],
    ['a possessive of a greeting', "hello's"],
  ])('does not count %s ("%s")', (_what, word) => {
    expect(isContentWord(word)).toBe(false);
  });
});
