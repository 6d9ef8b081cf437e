import type { StreamEvent } from '../domain/events.js';

/** Why a frame was refused; counted per reason, logged without content. */
export type FrameRejection = 'oversized' | 'invalid-json' | 'not-an-object' | 'unknown-type' | 'invalid-fields';

export type ParsedFrame = { ok: true; event: StreamEvent } | { ok: false; reason: FrameRejection; detail?: string };

export interface FrameLimits {
  /** Largest frame accepted, in UTF-8 bytes; checked before anything is decoded or parsed. */
  maxFrameBytes: number;
  /** Longest transcript `text`, in characters (UTF-16 code units). */
  maxTextChars: number;
  /** Longest `interactionId` / `insightId`, in characters. */
  maxIdChars: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = Object.freeze({
  maxFrameBytes: 64 * 1024,
  maxTextChars: 8000,
  maxIdChars: 128,
});
