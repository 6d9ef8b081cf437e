import { inspect } from 'node:util';
import type { ConfigService } from '@nestjs/config';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Utterance } from '../domain/utterance.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { cardNumber, chunks, digitsOnly, joinWithSeparators } from './pii-spec-kit.js';
import { PrivacyService } from './privacy.service.js';

function privacyService(options: { redactPii?: boolean; maxInteractions?: number } = {}) {
  const counters = new Counters();
  const sections = {
    assist: { cardDeadlineMs: 1000, redactPii: options.redactPii ?? true },
    buffer: { maxInteractions: options.maxInteractions ?? 100 },
  };
  const config = { get: (key: keyof typeof sections) => sections[key] } as unknown as ConfigService<AppConfig, true>;
  const service = new PrivacyService(counters, config);
  let seq = 0;
  const say = (interactionId: string, text: string): string => {
    const utterance: Utterance = {
      interactionId,
      seq: ++seq,
      text,
      reason: 'dialog-state',
      startedAt: 0,
      flushedAt: 0,
      fragments: 1,
    };
    return service.redact(utterance).text;
  };
  return { service, counters, say };
}

describe(PrivacyService.name, () => {
  it('redacts each utterance and counts what it found, by kind', () => {
    const { say, counters } = privacyService();
    expect(say('i-1', 'card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, born 03/14/1985')).toBe(
      'card [CARD], IBAN [IBAN], born [DOB]',
    );
    expect(counters.snapshot('pii')).toEqual({
      'pii_redactions{kind="card"}': 1,
      'pii_redactions{kind="dob"}': 1,
      'pii_redactions{kind="iban"}': 1,
    });
  });

  it('changes nothing, and carries nothing, when redaction is switched off', () => {
    const { say, service } = privacyService({ redactPii: false });
    expect(say('i-1', 'my card number is 4111 1111')).toBe('my card number is 4111 1111');
    expect(service.carriedInteractions).toBe(0);
  });

  describe('card digits spoken across utterances', () => {
    it('redacts the rest of a card number after card words and a pause', () => {
      const { say } = privacyService();
      expect(say('i-1', 'my card number is 4111 1111')).toBe('my card number is [CARD]');
      expect(say('i-1', '1111 1111')).toBe('[CARD]');
    });

    it('redacts digits that complete a Luhn-valid card with the previous utterance, even without card words', () => {
      const { say } = privacyService();
      say('i-1', 'it is 4111');
      expect(say('i-1', '1111 1111 1111, did you get that')).toBe('[CARD], did you get that');
      say('i-2', 'ok 4111 1111.');
      expect(say('i-2', 'and then 1111 1111')).toBe('and then [CARD]');
    });

    it('carries digits over three utterances and over one without digits', () => {
      const { say } = privacyService();
      say('i-1', '4111');
      say('i-1', '1111');
      expect(say('i-1', '1111 1111')).toBe('[CARD]');
      say('i-2', 'my card number is 4111 1111');
      say('i-2', 'sorry, one moment');
      expect(say('i-2', '1111 1111')).toBe('[CARD]');
    });

    it('after card words with no digits yet, redacts 4 digits or more that follow', () => {
      const { say } = privacyService();
      say('i-1', 'the card number is');
      expect(say('i-1', '4111 1111')).toBe('[CARD]');
      say('i-2', 'I want to cancel my card');
      expect(say('i-2', '2 weeks ago it was declined')).toBe('2 weeks ago it was declined');
    });

    it('lets the carry go after two utterances', () => {
      const { say, service } = privacyService();
      say('i-1', 'my card number is 4111 1111');
      say('i-1', 'sorry');
      say('i-1', 'wait');
      expect(service.carriedInteractions).toBe(0);
      expect(say('i-1', '1111')).toBe('1111');
    });

    it('leaves digits alone that neither complete a card nor follow card words', () => {
      const { say } = privacyService();
      say('i-1', 'my order number is 12345678');
      expect(say('i-1', '12 items were missing')).toBe('12 items were missing');
      say('i-2', 'call me at 5');
      expect(say('i-2', 'then order 4471 2290 118')).toBe('then order 4471 2290 118');
    });

    it('keeps one carry per interaction', () => {
      const { say } = privacyService();
      say('i-1', 'my card number is 4111 1111');
      expect(say('i-2', '1111')).toBe('1111');
      expect(say('i-1', '1111')).toBe('[CARD]');
    });

    it('forgets an interaction that ended', () => {
      const { say, service } = privacyService();
      say('i-1', 'my card number is');
      service.forget('i-1');
      expect(service.carriedInteractions).toBe(0);
      expect(say('i-1', '4111')).toBe('4111');
    });

    it('holds at most buffer.maxInteractions carries, dropping the least recently used', () => {
      const { say, service } = privacyService({ maxInteractions: 10 });
      for (let i = 0; i <= 10; i++) say(`i-${i}`, 'my card number is');
      expect(service.carriedInteractions).toBe(10);
      expect(say('i-0', '4111')).toBe('4111');
      expect(say('i-10', '4111')).toBe('[CARD]');
    });

    it('never shows carried digits when the service is inspected or serialised (as a logger would)', () => {
      const { say, service } = privacyService();
      say('i-1', 'my card number is 4111 9876');
      expect(inspect(service, { depth: 10, showHidden: true })).not.toContain('9876');
      expect(JSON.stringify([...(service as any).carries])).not.toContain('9876');
    });

    it('never lets a card split across two utterances through (property)', () => {
      const spokenInTwo = cardNumber()
        .chain((digits) => fc.tuple(fc.constant(digits), fc.integer({ min: 1, max: digits.length - 1 })))
        .chain(([digits, cut]) =>
          fc.record({
            digits: fc.constant(digits),
            first: joinWithSeparators(chunks(digits.slice(0, cut))),
            second: joinWithSeparators(chunks(digits.slice(cut))),
            secondDigits: fc.constant(digits.slice(cut)),
          }),
        );
      fc.assert(
        fc.property(
          spokenInTwo,
          fc.constantFrom('', 'my card number is ', 'it is ', 'the number is ', 'visa ', 'ok so '),
          fc.constantFrom('', '.', ',', '...'),
          fc.option(fc.constantFrom('sorry, one moment', 'uh huh')),
          fc.constantFrom('', 'and ', 'then ', 'uh '),
          fc.constantFrom('', ' thanks', ', is that right'),
          (card, opening, pause, interlude, filler, closing) => {
            const { say } = privacyService();
            const first = say('i-1', `${opening}${card.first}${pause}`);
            const between = interlude === null ? '' : say('i-1', interlude);
            const second = say('i-1', `${filler}${card.second}${closing}`);
            expect(digitsOnly(second)).not.toContain(card.secondDigits);
            expect(digitsOnly(first + between + second)).not.toContain(card.digits);
          },
        ),
      );
    });
  });
});
