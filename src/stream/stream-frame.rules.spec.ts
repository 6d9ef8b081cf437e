import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createStreamEventDtos, EVENT_FIELDS, type FieldLimits } from './stream-event.dto.js';
import { compileFrameFieldChecks } from './stream-frame.rules.js';
import type { StreamEventType } from '../domain/events.js';

/** What class-validator says about these fields under the DTOs: the failing names, as the parser reports them. */
function declaredVerdict(limits: FieldLimits, type: StreamEventType, fields: Record<string, unknown>) {
  const dto = Object.assign(new (createStreamEventDtos(limits)[type] as new () => object)(), fields);
  const errors = validateSync(dto, { whitelist: true, forbidUnknownValues: true });
  if (errors.length === 0) return undefined;
  return [...new Set(errors.map((e) => e.property))].sort().join(',');
}

const TYPES = Object.keys(EVENT_FIELDS) as StreamEventType[];

/** Characters that sit on every rule's edge: controls, separators, bidi marks, surrogates, variation selectors. */
const EDGY = [
  'a',
  'Z',
  '7',
  ' ',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u00a0',
  '\u2028',
  '\u202e',
  '\u2066',
  '\u2069',
  '\ufe0e',
  '\ufe0f',
  '\ud83d',
  '\ude00',
  '\udbff',
  '\udfff',
  '\u00e9',
  '\u4e2d',
];
const edgyString = (maxLength: number) =>
  fc.array(fc.constantFrom(...EDGY), { maxLength }).map((chars) => chars.join(''));

const value = (maxLength: number) =>
  fc.oneof(
    edgyString(maxLength),
    fc.constantFrom('CUSTOMER', 'AGENT', 'customer', 'AGENTS', ''),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1.5, -0, Infinity, NaN),
    fc.double(),
    fc.boolean(),
    fc.constantFrom(null, undefined, Object.freeze({})),
  );

describe('compileFrameFieldChecks', () => {
  it('gives the same verdict and the same failing names as the class-validator DTOs, on every event type', () => {
    const limits = fc.record({
      maxIdChars: fc.integer({ min: 1, max: 6 }),
      maxTextChars: fc.integer({ min: 1, max: 8 }),
    });
    const frame = fc.record(
      {
        interactionId: value(8),
        text: value(12),
        speaker: value(3),
        timestamp: value(70),
        sequence: value(3),
        state: value(70),
        insightId: value(8),
        action: value(70),
      },
      { requiredKeys: [] },
    );

    fc.assert(
      fc.property(limits, fc.constantFrom(...TYPES), frame, (lim, type, all) => {
        const fields = Object.fromEntries(
          EVENT_FIELDS[type].filter((n) => n in all).map((n) => [n, all[n as keyof typeof all]]),
        );
        expect(compileFrameFieldChecks(lim)[type](fields)).toBe(declaredVerdict(lim, type, fields));
      }),
      { numRuns: 20_000 },
    );
  });

  it('counts a surrogate pair and a character with its variation selector once, as @Length does', () => {
    const sut = compileFrameFieldChecks({ maxIdChars: 2, maxTextChars: 2 });
    const fragment = (text: string) => sut.TRANSCRIPT_FRAGMENT({ interactionId: 'i', text });

    expect(fragment('\ud83d\ude00\ud83d\ude00')).toBeUndefined();
    expect(fragment('a\ufe0fb\ufe0f')).toBeUndefined();
    expect(fragment('abc')).toBe('text');
    expect(sut.INTERACTION_ENDED({ interactionId: 'a\ufe0f\ud83d\ude00' })).toBeUndefined();
    expect(sut.INTERACTION_ENDED({ interactionId: '' })).toBe('interactionId');
  });
});
