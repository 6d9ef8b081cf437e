import { describe, expect, it } from 'vitest';

import { NO_CONTROL_CHARS } from '../stream/stream-event.dto.js';
import { BIDI_CONTROLS, LINE_CONTROLS, STREAM_CONTROL_CHARS, ZERO_WIDTH_FORMATS } from './invisible-characters.js';

const BMP = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code));
const hex = (char: string) => `U+${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
const members = (charClass: string) => {
  const pattern = new RegExp(`^[${charClass}]$`);
  return BMP.filter((char) => pattern.test(char)).map(hex);
};

describe('invisible characters', () => {
  it('STREAM_CONTROL_CHARS is exactly what the stream parser refuses in ids', () => {
    const parserRefuses = BMP.filter((char) => !NO_CONTROL_CHARS.test(char)).map(hex);

    expect(members(STREAM_CONTROL_CHARS)).toEqual(parserRefuses);
  });

  it('lists the bidi controls and the zero-width format characters, and nothing visible', () => {
    expect(members(BIDI_CONTROLS)).toEqual([
      ...['U+202a', 'U+202b', 'U+202c', 'U+202d', 'U+202e'],
      ...['U+2066', 'U+2067', 'U+2068', 'U+2069'],
    ]);
    expect(members(ZERO_WIDTH_FORMATS)).toEqual([
      ...['U+061c', 'U+200b', 'U+200c', 'U+200d', 'U+200e', 'U+200f', 'U+2060', 'U+feff'],
    ]);
    expect(members(LINE_CONTROLS)).toHaveLength(32 + 1 + 32 + 2);
  });
});
