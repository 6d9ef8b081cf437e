import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { parseFaultCount, parseUtterance, parseVerdict } from './sandbox-input.js';

describe('sandbox control input', () => {
  it('accepts an utterance with or without an interactionId', () => {
    expect(parseUtterance({ text: 'hi' })).toEqual({ text: 'hi' });
    expect(parseUtterance({ text: 'hi', interactionId: 'call-1' })).toEqual({ text: 'hi', interactionId: 'call-1' });
  });

  it.each([
    undefined,
    null,
    [],
    'text',
    {},
    { text: ' ' },
    { text: 5 },
    { text: 'x'.repeat(1001) },
    { text: 'a', interactionId: 'a b' },
  ])('refuses utterance %j', (body) => expect(() => parseUtterance(body)).toThrow(BadRequestException));

  it('accepts only ACCEPTED/REJECTED verdicts with safe ids', () => {
    expect(parseVerdict({ interactionId: 'i', insightId: 'kb-1', verdict: 'REJECTED' })).toEqual({
      interactionId: 'i',
      insightId: 'kb-1',
      verdict: 'REJECTED',
    });
    expect(() => parseVerdict({ interactionId: 'i', insightId: 'kb-1', verdict: 'accepted' })).toThrow(
      BadRequestException,
    );
    expect(() => parseVerdict({ interactionId: 'i'.repeat(65), insightId: 'k', verdict: 'ACCEPTED' })).toThrow(
      BadRequestException,
    );
  });

  it('takes an optional fault count from 1 to 100', () => {
    expect(parseFaultCount(undefined)).toBeUndefined();
    expect(parseFaultCount({})).toBeUndefined();
    expect(parseFaultCount({ count: 3 })).toBe(3);
    for (const count of [0, 101, 1.5, '3']) expect(() => parseFaultCount({ count })).toThrow(BadRequestException);
  });
});
