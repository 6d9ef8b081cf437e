/**
 * Characters that show nothing themselves but can hide, reorder or disguise the text around them, on
 * an agent's screen, in a log line or in a search. One definition for everything that cleans untrusted
 * text. Each constant is the body of a regex character class (`[${...}]`).
 */

/** C0 and C1 controls, DEL, and the line and paragraph separators: they break words apart. */
export const LINE_CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029';

/** Bidirectional embeddings and overrides (U+202A–U+202E, U+202E reverses text) and isolates (U+2066–U+2069). */
export const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069';

/**
 * Zero-width space, non-joiner and joiner (U+200B–U+200D), the left-to-right and right-to-left marks
 * (U+200E, U+200F), the Arabic letter mark (U+061C), the word joiner (U+2060) and the byte order mark
 * (U+FEFF): invisible, so `pass\u200bword` looks like a word it is not.
 */
export const ZERO_WIDTH_FORMATS = '\\u200b-\\u200f\\u061c\\u2060\\ufeff';

/**
 * What the stream parser treats as control characters (`NO_CONTROL_CHARS` in stream-event.dto.ts, and
 * its `CONTROL_CHARS`): line controls and bidi controls.
 */
export const STREAM_CONTROL_CHARS = `${LINE_CONTROLS}${BIDI_CONTROLS}`;
