import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { FrameRejection, ParsedFrame } from './stream-frame.types.js';
import { NO_CONTROL_CHARS } from './stream-event.dto.js';
import { DEFAULT_FRAME_LIMITS, StreamFrameParser } from './stream-frame.parser.js';

const REASONS: readonly FrameRejection[] = [
  'oversized',
  'invalid-json',
  'not-an-object',
  'unknown-type',
  'invalid-fields',
];
const SECRET = 'my card number is 4111 1111 1111 1111';

const fragment = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'int-1', text: 'hello there', ...extra });

function rejected(result: ParsedFrame) {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.event)}`);
  return result;
}

describe(StreamFrameParser.name, () => {
  const sut = new StreamFrameParser();

  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('valid frames', () => {
    it('parses a TRANSCRIPT_FRAGMENT with every optional field', () => {
      const result = sut.parse(fragment({ speaker: 'CUSTOMER', timestamp: '2025-05-01T10:00:00Z', sequence: 7 }));

      expect(result).toStrictEqual({
        ok: true,
        event: {
          type: 'TRANSCRIPT_FRAGMENT',
          interactionId: 'int-1',
          text: 'hello there',
          speaker: 'CUSTOMER',
          timestamp: '2025-05-01T10:00:00Z',
          sequence: 7,
        },
      });
    });

    it('parses a minimal TRANSCRIPT_FRAGMENT with empty text and a numeric timestamp', () => {
      expect(sut.parse(fragment({ text: '', timestamp: 1714557600000, speaker: 'AGENT' }))).toStrictEqual({
        ok: true,
        event: {
          type: 'TRANSCRIPT_FRAGMENT',
          interactionId: 'int-1',
          text: '',
          speaker: 'AGENT',
          timestamp: 1714557600000,
        },
      });
    });

    it('parses DIALOG_STATE', () => {
      expect(sut.parse('{"type":"DIALOG_STATE","interactionId":"int-1","state":"TURN_END"}')).toStrictEqual({
        ok: true,
        event: { type: 'DIALOG_STATE', interactionId: 'int-1', state: 'TURN_END' },
      });
    });

    it.each(['INSIGHT_ACCEPTED', 'INSIGHT_REJECTED'] as const)('parses %s with and without action', (type) => {
      expect(
        sut.parse(JSON.stringify({ type, interactionId: 'int-1', insightId: 'kb-9', action: 'CLICK' })),
      ).toStrictEqual({
        ok: true,
        event: { type, interactionId: 'int-1', insightId: 'kb-9', action: 'CLICK' },
      });
      expect(sut.parse(JSON.stringify({ type, interactionId: 'int-1', insightId: 'kb-9' }))).toStrictEqual({
        ok: true,
        event: { type, interactionId: 'int-1', insightId: 'kb-9' },
      });
    });

    it('parses INTERACTION_ENDED', () => {
      expect(sut.parse('{"type":"INTERACTION_ENDED","interactionId":"int-1"}')).toStrictEqual({
        ok: true,
        event: { type: 'INTERACTION_ENDED', interactionId: 'int-1' },
      });
    });

    it('accepts the raw data shapes ws hands over: Buffer, ArrayBuffer and fragmented Buffer[]', () => {
      const json = fragment({ text: 'héllo wörld ✓' });
      const bytes = Buffer.from(json, 'utf8');
      const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      // Split inside the multi-byte '✓' to prove chunks are joined before decoding.
      const cut = bytes.indexOf(Buffer.from('✓')) + 1;
      const expected = sut.parse(json);

      expect(expected.ok).toBe(true);
      expect(sut.parse(bytes)).toStrictEqual(expected);
      expect(sut.parse(arrayBuffer)).toStrictEqual(expected);
      expect(sut.parse([bytes.subarray(0, cut), bytes.subarray(cut)])).toStrictEqual(expected);
    });

    it('returns a plain object, not a DTO instance', () => {
      const result = sut.parse(fragment());

      expect(result.ok && Object.getPrototypeOf(result.event)).toBe(Object.prototype);
    });

    it('drops unknown extra properties, including prototype-looking ones', () => {
      const result = sut.parse(
        '{"type":"DIALOG_STATE","interactionId":"int-1","state":"X","extra":1,"nested":{"a":[1]},' +
          '"__proto__":{"polluted":true},"constructor":"x","text":"not a dialog field"}',
      );

      expect(result.ok && Object.keys(result.event)).toEqual(['type', 'interactionId', 'state']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('leaves out optional fields sent as null', () => {
      const result = sut.parse(fragment({ speaker: null, timestamp: null, sequence: null }));

      expect(result.ok && Object.keys(result.event)).toEqual(['type', 'interactionId', 'text']);
    });

    it('replaces control characters of the text by spaces', () => {
      const result = sut.parse(fragment({ text: 'a\u0000b\nc\td\u001f\u007fe\u0080f\u009bg\u2028h\u202ei' }));

      expect(result.ok && result.event).toMatchObject({ text: 'a b c d  e f g h i' });
    });
  });

  describe('rejections', () => {
    it.each([
      ['garbage', 'not json'],
      ['truncated JSON', '{"type":"DIALOG_STATE"'],
      ['an empty frame', ''],
      ['a BOM-prefixed frame', '\ufeff{}'],
    ])('rejects %s as invalid-json', (_, raw) => {
      expect(sut.parse(raw)).toStrictEqual({ ok: false, reason: 'invalid-json' });
    });

    it('rejects input that is not frame data as invalid-json instead of throwing', () => {
      for (const raw of [undefined, null, 42, {}, [1, 2]] as unknown[]) {
        expect(sut.parse(raw as string)).toStrictEqual({ ok: false, reason: 'invalid-json' });
      }
    });

    it.each(['[]', '[{"type":"DIALOG_STATE"}]', 'null', '42', '"TRANSCRIPT_FRAGMENT"', 'true'])(
      'rejects %s as not-an-object',
      (raw) => {
        expect(sut.parse(raw)).toStrictEqual({ ok: false, reason: 'not-an-object' });
      },
    );

    it.each([
      '{}',
      '{"type":"HEARTBEAT","interactionId":"int-1"}',
      '{"type":"transcript_fragment","interactionId":"int-1","text":"x"}',
      '{"type":42}',
      '{"type":null}',
      '{"type":["DIALOG_STATE"]}',
      '{"type":"constructor"}',
      '{"type":"__proto__"}',
      '{"type":"toString"}',
    ])('rejects %s as unknown-type', (raw) => {
      expect(sut.parse(raw)).toStrictEqual({ ok: false, reason: 'unknown-type' });
    });

    it.each([
      ['missing interactionId', { type: 'INTERACTION_ENDED' }, 'interactionId'],
      ['empty interactionId', { type: 'INTERACTION_ENDED', interactionId: '' }, 'interactionId'],
      ['numeric interactionId', { type: 'INTERACTION_ENDED', interactionId: 12 }, 'interactionId'],
      ['over-long interactionId', { type: 'INTERACTION_ENDED', interactionId: 'i'.repeat(129) }, 'interactionId'],
      ['interactionId with a newline', { type: 'INTERACTION_ENDED', interactionId: 'a\nb' }, 'interactionId'],
      ['missing text', { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i' }, 'text'],
      ['numeric text', { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: 5 }, 'text'],
      ['over-long text', { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: 't'.repeat(8001) }, 'text'],
      ['unknown speaker', { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: '', speaker: 'BOT' }, 'speaker'],
      [
        'boolean timestamp',
        { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: '', timestamp: true },
        'timestamp',
      ],
      [
        'over-long timestamp',
        { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: '', timestamp: 't'.repeat(65) },
        'timestamp',
      ],
      ['fractional sequence', { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: '', sequence: 1.5 }, 'sequence'],
      ['negative sequence', { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: '', sequence: -1 }, 'sequence'],
      ['string sequence', { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: '', sequence: '1' }, 'sequence'],
      ['missing state', { type: 'DIALOG_STATE', interactionId: 'i' }, 'state'],
      ['empty state', { type: 'DIALOG_STATE', interactionId: 'i', state: '' }, 'state'],
      ['over-long state', { type: 'DIALOG_STATE', interactionId: 'i', state: 's'.repeat(65) }, 'state'],
      ['missing insightId', { type: 'INSIGHT_ACCEPTED', interactionId: 'i' }, 'insightId'],
      [
        'over-long insightId',
        { type: 'INSIGHT_REJECTED', interactionId: 'i', insightId: 'k'.repeat(129) },
        'insightId',
      ],
      ['numeric action', { type: 'INSIGHT_REJECTED', interactionId: 'i', insightId: 'k', action: 1 }, 'action'],
      ['object-valued text', { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: { a: 1 } }, 'text'],
      ['array-valued interactionId', { type: 'INTERACTION_ENDED', interactionId: ['i'] }, 'interactionId'],
      [
        'several bad fields',
        { type: 'TRANSCRIPT_FRAGMENT', interactionId: '', text: 1, sequence: -2 },
        'interactionId,sequence,text',
      ],
    ])('rejects %s as invalid-fields naming the property', (_, frame, detail) => {
      expect(sut.parse(JSON.stringify(frame))).toStrictEqual({ ok: false, reason: 'invalid-fields', detail });
    });

    it('names failing properties but never their values', () => {
      const frames = [
        { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: `${SECRET} `.repeat(300) },
        { type: 'TRANSCRIPT_FRAGMENT', interactionId: `${SECRET}\n`, text: SECRET },
        { type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: SECRET, speaker: SECRET },
        { type: 'INSIGHT_ACCEPTED', interactionId: 'i', insightId: 'k', action: SECRET.repeat(3) },
      ];

      for (const frame of frames) {
        const result = rejected(sut.parse(JSON.stringify(frame)));
        expect(result.reason).toBe('invalid-fields');
        expect(result.detail).toMatch(/^[a-zA-Z,]+$/);
        expect(JSON.stringify(result)).not.toContain('4111');
      }
    });

    it('survives deeply nested junk in a known field', () => {
      const deep = '['.repeat(30_000) + ']'.repeat(30_000);

      expect(sut.parse(`{"type":"TRANSCRIPT_FRAGMENT","interactionId":"i","text":${deep}}`)).toStrictEqual({
        ok: false,
        reason: 'invalid-fields',
        detail: 'text',
      });
    });
  });

  describe('frame size', () => {
    const twoMegabyteFrame = fragment({ text: 'x'.repeat(2 * 1024 * 1024) });

    it('rejects a 2 MB frame of valid JSON as oversized, before decoding or parsing it', () => {
      const parse = vi.spyOn(JSON, 'parse');
      const byteLength = vi.spyOn(Buffer, 'byteLength');
      const bytes = Buffer.from(twoMegabyteFrame);

      expect(sut.parse(twoMegabyteFrame)).toStrictEqual({ ok: false, reason: 'oversized' });
      expect(sut.parse(bytes)).toStrictEqual({ ok: false, reason: 'oversized' });
      expect(sut.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))).toStrictEqual({
        ok: false,
        reason: 'oversized',
      });
      expect(sut.parse([bytes.subarray(0, 10), bytes.subarray(10)])).toStrictEqual({ ok: false, reason: 'oversized' });
      expect(parse).not.toHaveBeenCalled();
      // A string longer than the limit is refused from its length alone, without scanning it.
      expect(byteLength).not.toHaveBeenCalled();
    });

    it('counts UTF-8 bytes, not characters', () => {
      // 40,000 'é' are 80,000 bytes: under the 64 KiB limit in characters, over it in bytes.
      const frame = fragment({ text: 'é'.repeat(40_000) });

      expect(frame.length).toBeLessThan(DEFAULT_FRAME_LIMITS.maxFrameBytes);
      expect(sut.parse(frame)).toStrictEqual({ ok: false, reason: 'oversized' });
    });

    it('accepts a frame of exactly maxFrameBytes and refuses one byte more', () => {
      const small = new StreamFrameParser({ maxFrameBytes: 100, maxTextChars: 1000, maxIdChars: 128 });
      const base = fragment({ text: '' });
      const exact = fragment({ text: 'x'.repeat(100 - Buffer.byteLength(base)) });

      expect(Buffer.byteLength(exact)).toBe(100);
      expect(small.parse(exact).ok).toBe(true);
      expect(small.parse(`${exact} `)).toStrictEqual({ ok: false, reason: 'oversized' });
    });
  });

  describe('limits', () => {
    it('applies the configured text and id lengths', () => {
      const strict = new StreamFrameParser({ maxFrameBytes: 4096, maxTextChars: 5, maxIdChars: 3 });

      expect(
        strict.parse(JSON.stringify({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'abc', text: '12345' })).ok,
      ).toBe(true);
      expect(
        strict.parse(JSON.stringify({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'abcd', text: '123456' })),
      ).toStrictEqual({
        ok: false,
        reason: 'invalid-fields',
        detail: 'interactionId,text',
      });
      // Other parsers keep their own limits.
      expect(sut.parse(JSON.stringify({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'abcd', text: '123456' })).ok).toBe(
        true,
      );
    });

    it('refuses nonsensical limits at construction', () => {
      expect(() => new StreamFrameParser({ ...DEFAULT_FRAME_LIMITS, maxFrameBytes: 0 })).toThrow(RangeError);
      expect(() => new StreamFrameParser({ ...DEFAULT_FRAME_LIMITS, maxTextChars: Number.NaN })).toThrow(RangeError);
    });
  });

  describe('properties', () => {
    const expectWellFormed = (result: ParsedFrame) => {
      if (result.ok) {
        expect(result.event.type).toMatch(
          /^(TRANSCRIPT_FRAGMENT|DIALOG_STATE|INSIGHT_ACCEPTED|INSIGHT_REJECTED|INTERACTION_ENDED)$/,
        );
      } else {
        expect(REASONS).toContain(result.reason);
      }
    };

    it('never throws on arbitrary strings and byte sequences', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 2000 })), (raw) => {
          expectWellFormed(sut.parse(typeof raw === 'string' ? raw : Buffer.from(raw)));
        }),
        { numRuns: 500 },
      );
    });

    it('never throws on arbitrary JSON values, including ones typed like events', () => {
      const eventType = fc.constantFrom(
        'TRANSCRIPT_FRAGMENT',
        'DIALOG_STATE',
        'INSIGHT_ACCEPTED',
        'INSIGHT_REJECTED',
        'INTERACTION_ENDED',
      );
      const eventLike = fc.record(
        {
          type: eventType,
          interactionId: fc.jsonValue(),
          text: fc.jsonValue(),
          speaker: fc.jsonValue(),
          timestamp: fc.jsonValue(),
          sequence: fc.jsonValue(),
          state: fc.jsonValue(),
          insightId: fc.jsonValue(),
          action: fc.jsonValue(),
          extra: fc.jsonValue(),
        },
        { requiredKeys: ['type'] },
      );

      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), eventLike), (value) => {
          expectWellFormed(sut.parse(JSON.stringify(value) ?? 'null'));
        }),
        { numRuns: 1000 },
      );
    });

    it('round-trips interactionId and text of arbitrary valid fragments', () => {
      const interactionId = fc
        .string({ unit: 'binary', minLength: 1, maxLength: DEFAULT_FRAME_LIMITS.maxIdChars })
        .filter((id) => NO_CONTROL_CHARS.test(id));
      const text = fc.string({ unit: 'grapheme', maxLength: 300 });

      fc.assert(
        fc.property(interactionId, text, fc.boolean(), (id, t, asBuffer) => {
          const json = JSON.stringify({ type: 'TRANSCRIPT_FRAGMENT', interactionId: id, text: t, noise: t });
          const result = sut.parse(asBuffer ? Buffer.from(json) : json);

          expect(result).toStrictEqual({
            ok: true,
            event: {
              type: 'TRANSCRIPT_FRAGMENT',
              interactionId: id,
              text: t.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' '),
            },
          });
        }),
        { numRuns: 500 },
      );
    });
  });
});
