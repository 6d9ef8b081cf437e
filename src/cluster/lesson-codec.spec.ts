import { describe, expect, it } from 'vitest';
import { parseLesson, parseSnapshotPart } from './lesson-codec.js';

describe(parseLesson.name, () => {
  const verdict = { kind: 'verdict', terms: ['pin', 'voicemail'], articleId: 'kb-1', verdict: 'ACCEPTED', at: 1 };

  it('reads back what a replica or the CLI logged', () => {
    expect(parseLesson(JSON.stringify(verdict))).toEqual(verdict);
    expect(parseLesson(JSON.stringify({ kind: 'reset', filter: { term: 'pin' }, at: 2 }))).toEqual({
      kind: 'reset',
      filter: { term: 'pin' },
      at: 2,
    });
    expect(parseLesson(JSON.stringify({ kind: 'reset', filter: {}, at: 3, extra: 1 }))).toEqual({
      kind: 'reset',
      filter: {},
      at: 3,
    });
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '"x"'],
    ['an unknown kind', JSON.stringify({ ...verdict, kind: 'forget' })],
    ['no time', JSON.stringify({ ...verdict, at: 'now' })],
    ['no terms', JSON.stringify({ ...verdict, terms: [] })],
    ['a term with a space (terms are stored space-joined)', JSON.stringify({ ...verdict, terms: ['a b'] })],
    ['a term that is not text', JSON.stringify({ ...verdict, terms: [1] })],
    ['too many terms', JSON.stringify({ ...verdict, terms: Array.from({ length: 65 }, (_, i) => `t${i}`) })],
    ['an empty article', JSON.stringify({ ...verdict, articleId: '' })],
    ['an unknown verdict', JSON.stringify({ ...verdict, verdict: 'MAYBE' })],
    ['a reset without a filter', JSON.stringify({ kind: 'reset', at: 1 })],
    ['a reset filter with a number', JSON.stringify({ kind: 'reset', filter: { articleId: 7 }, at: 1 })],
    ['an oversized message, before parsing', JSON.stringify({ ...verdict, articleId: 'x'.repeat(20_000) })],
  ])('refuses %s', (_, text) => {
    expect(parseLesson(text)).toBeUndefined();
  });
});

describe(parseSnapshotPart.name, () => {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  const part = { id: 'a', asOf: 10, part: 0, parts: 1, cases: [['pin voicemail', 'kb-1', 2, 0, 1000]] };

  it('reads back a snapshot message', () => {
    expect(parseSnapshotPart(encode(part))).toEqual(part);
  });

  it.each([
    ['a part beyond the count', { ...part, part: 1 }],
    ['a negative position', { ...part, asOf: -1 }],
    ['a case row of the wrong shape', { ...part, cases: [['pin', 'kb-1', 2, 0]] }],
    ['a count that is not a whole number', { ...part, cases: [['pin', 'kb-1', 1.5, 0, 1]] }],
    ['empty terms', { ...part, cases: [['', 'kb-1', 1, 0, 1]] }],
  ])('refuses %s', (_, value) => {
    expect(parseSnapshotPart(encode(value))).toBeUndefined();
  });

  it('refuses a message over 1 MB before parsing it', () => {
    expect(parseSnapshotPart(new Uint8Array(1024 * 1024 + 1).fill(0x20))).toBeUndefined();
  });
});
