import type { AppConfig } from '../config/app-config.js';

/**
 * Tuning of the per-interaction utterance buffer (see BufferService), all durations in milliseconds: the
 * `buffer` slice of the configuration (BUFFER_SILENCE_MS, BUFFER_MAX_MS, BUFFER_MAX_UTTERANCE_CHARS,
 * BUFFER_MAX_INTERACTIONS, defaults in config/environment.variables.ts), plus the idle sweep.
 */
export interface BufferOptions extends Readonly<AppConfig['buffer']> {
  /** An interaction with an empty buffer and no event for this long is forgotten (default 10 minutes). */
  readonly idleEvictMs?: number;
}

/** Injection token of the BufferOptions that BufferService needs. */
export const BUFFER_OPTIONS = Symbol('BUFFER_OPTIONS');

export const DEFAULT_IDLE_EVICT_MS = 10 * 60_000;

// setTimeout clamps anything above 2^31-1 ms to 1 ms; refuse such values instead of flushing at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks every field is a positive integer (durations at most 2^31-1 ms) and fills the idle sweep's
 * default. Throws one Error naming every bad field (a programming error: configuration is validated first).
 */
export function resolveBufferOptions(options: BufferOptions): Required<BufferOptions> {
  const resolved = { idleEvictMs: DEFAULT_IDLE_EVICT_MS, ...options };
  const bad: string[] = [];
  for (const [key, value] of Object.entries(resolved)) {
    const limit = key.endsWith('Ms') ? MAX_TIMER_MS : Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limit) {
      bad.push(`${key}=${String(value)}`);
    }
  }
  if (bad.length > 0) {
    throw new Error(`Invalid buffer options (each must be a positive integer): ${bad.join(', ')}`);
  }
  return resolved;
}
