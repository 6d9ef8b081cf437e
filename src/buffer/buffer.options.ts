/** Tuning of the per-interaction utterance buffer (see BufferService). All durations in milliseconds. */
export interface BufferOptions {
  /** Flush after this long without a new fragment (env BUFFER_SILENCE_MS, default 3000). */
  silenceMs: number;
  /** Flush at the latest this long after the utterance's FIRST fragment (env BUFFER_MAX_MS, default 10000). */
  maxMs: number;
  /** Cap on the text of one utterance; reaching it flushes with reason 'size-cap' (default 4000). */
  maxUtteranceChars: number;
  /** Cap on live interactions; a new one beyond it flushes and evicts the least recently active (default 10000). */
  maxInteractions: number;
  /** An interaction with an empty buffer and no event for this long is forgotten (default 10 minutes). */
  idleEvictMs: number;
}

/** Injection token of the BufferOptions that BufferService needs. */
export const BUFFER_OPTIONS = Symbol('BUFFER_OPTIONS');

export const DEFAULT_BUFFER_OPTIONS: Readonly<BufferOptions> = Object.freeze({
  silenceMs: 3000,
  maxMs: 10_000,
  maxUtteranceChars: 4000,
  maxInteractions: 10_000,
  idleEvictMs: 10 * 60_000,
});

// setTimeout clamps anything above 2^31-1 ms to 1 ms; refuse such values instead of flushing at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Fills missing fields from DEFAULT_BUFFER_OPTIONS and checks every field is a positive integer
 * (durations at most 2^31-1 ms). Throws one Error naming every bad field.
 */
export function resolveBufferOptions(options: Partial<BufferOptions> | undefined): BufferOptions {
  const resolved: BufferOptions = { ...DEFAULT_BUFFER_OPTIONS };
  const bad: string[] = [];
  for (const key of Object.keys(DEFAULT_BUFFER_OPTIONS) as (keyof BufferOptions)[]) {
    const value = options?.[key];
    if (value === undefined) continue;
    const limit = key.endsWith('Ms') ? MAX_TIMER_MS : Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limit) {
      bad.push(`${key}=${String(value)}`);
    } else {
      resolved[key] = value;
    }
  }
  if (bad.length > 0) {
    throw new Error(`Invalid buffer options (each must be a positive integer): ${bad.join(', ')}`);
  }
  return resolved;
}
