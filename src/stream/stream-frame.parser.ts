import {
  EVENT_FIELDS,
  type InsightVerdictFields,
  type TranscriptFragmentFields,
  type DialogStateFields,
} from './stream-event.dto.js';
import { compileFrameFieldChecks, type FrameFieldChecks } from './stream-frame.rules.js';
import type { StreamEvent, StreamEventType, TranscriptFragmentEvent } from '../domain/events.js';
import { DEFAULT_FRAME_LIMITS, type FrameLimits, type FrameRejection, type ParsedFrame } from './stream-frame.types.js';

export { DEFAULT_FRAME_LIMITS, type FrameLimits };

/** Raw data as `ws` hands it over (text frames arrive as strings or UTF-8 buffers). */
export type RawFrame = string | Buffer | ArrayBuffer | Buffer[];

const EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENT_FIELDS));

/**
 * Stands in for any object or array found in a known field. Such a value fails every rule of every
 * field anyway, and substituting it keeps validation from walking (possibly 30,000-deep) nested junk.
 */
const NON_PRIMITIVE = Object.freeze({});

/**
 * Characters that carry no speech but can hide or reorder text in a log line or a search: C0 and C1
 * controls, line/paragraph separators and bidirectional overrides and isolates.
 */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function rejection(reason: FrameRejection, detail?: string): ParsedFrame {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}

const OVERSIZED = Object.freeze(rejection('oversized')) as ParsedFrame;
const INVALID_JSON = Object.freeze(rejection('invalid-json')) as ParsedFrame;
const NOT_AN_OBJECT = Object.freeze(rejection('not-an-object')) as ParsedFrame;
const UNKNOWN_TYPE = Object.freeze(rejection('unknown-type')) as ParsedFrame;
const INVALID_FIELDS = Object.freeze(rejection('invalid-fields')) as ParsedFrame;

function assertLimit(name: keyof FrameLimits, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`FrameLimits.${name} must be a positive integer`);
  }
}

/**
 * Turns one untrusted text frame of the Agent Assist stream into a typed `StreamEvent`, or into a
 * rejection reason (and, for field errors, the names of the failing properties, never their values).
 * `parse` never throws, and a frame's cost is bounded by `maxFrameBytes` whatever its real size.
 */
export class StreamFrameParser {
  private readonly limits: FrameLimits;
  private readonly checks: FrameFieldChecks;

  constructor(limits: FrameLimits = DEFAULT_FRAME_LIMITS) {
    assertLimit('maxFrameBytes', limits.maxFrameBytes);
    assertLimit('maxTextChars', limits.maxTextChars);
    assertLimit('maxIdChars', limits.maxIdChars);
    this.limits = Object.freeze({ ...limits });
    this.checks = compileFrameFieldChecks(this.limits);
  }

  parse(raw: RawFrame): ParsedFrame {
    try {
      const text = this.decode(raw);
      if (typeof text !== 'string') return text;

      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return INVALID_JSON;
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return NOT_AN_OBJECT;

      const frame = json as Record<string, unknown>;
      const type = Object.hasOwn(frame, 'type') ? frame.type : undefined;
      if (typeof type !== 'string' || !EVENT_TYPES.has(type)) return UNKNOWN_TYPE;

      return this.validate(type as StreamEventType, frame);
    } catch {
      // Not expected (every step above is guarded); keeps the "never throws" promise regardless.
      return INVALID_FIELDS;
    }
  }

  /** Size check first (O(1) for buffers, at most O(maxFrameBytes) for strings), then UTF-8 decoding. */
  private decode(raw: RawFrame): string | ParsedFrame {
    const max = this.limits.maxFrameBytes;

    if (typeof raw === 'string') {
      // A UTF-8 encoding is never shorter than the string's UTF-16 length, nor longer than 3x it.
      if (raw.length > max) return OVERSIZED;
      if (raw.length * 3 > max && Buffer.byteLength(raw, 'utf8') > max) return OVERSIZED;
      return raw;
    }

    if (Array.isArray(raw)) {
      let total = 0;
      for (const chunk of raw) {
        if (!ArrayBuffer.isView(chunk)) return INVALID_JSON;
        total += chunk.byteLength;
        if (total > max) return OVERSIZED;
      }
      if (raw.length === 1) return toBuffer(raw[0]).toString('utf8');
      return Buffer.concat(raw.map(toBuffer), total).toString('utf8');
    }

    if (ArrayBuffer.isView(raw)) {
      if (raw.byteLength > max) return OVERSIZED;
      return toBuffer(raw).toString('utf8');
    }

    const other: unknown = raw;
    if (other instanceof ArrayBuffer || other instanceof SharedArrayBuffer) {
      if (other.byteLength > max) return OVERSIZED;
      return Buffer.from(other).toString('utf8');
    }

    return INVALID_JSON;
  }

  private validate(type: StreamEventType, frame: Record<string, unknown>): ParsedFrame {
    // Copy only the known, own properties: extra keys are dropped here, before any rule sees them.
    const names = EVENT_FIELDS[type];
    const fields: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (!Object.hasOwn(frame, name)) continue;
      const value = frame[name];
      fields[name] = typeof value === 'object' && value !== null ? NON_PRIMITIVE : value;
    }

    const failed = this.checks[type](fields);
    if (failed !== undefined) return rejection('invalid-fields', failed);

    return { ok: true, event: toEvent(type, fields) };
  }
}

function toBuffer(view: ArrayBufferView): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** A fresh plain object with exactly the union's keys; absent/null optionals are left out. */
function toEvent(type: StreamEventType, dto: Record<string, unknown>): StreamEvent {
  switch (type) {
    case 'TRANSCRIPT_FRAGMENT': {
      const f = dto as unknown as TranscriptFragmentFields;
      const event: TranscriptFragmentEvent = {
        type,
        interactionId: f.interactionId,
        text: f.text.replace(CONTROL_CHARS, ' '),
      };
      if (f.speaker != null) event.speaker = f.speaker;
      if (f.timestamp != null) event.timestamp = f.timestamp;
      if (f.sequence != null) event.sequence = f.sequence;
      return event;
    }
    case 'DIALOG_STATE': {
      const f = dto as unknown as DialogStateFields;
      return { type, interactionId: f.interactionId, state: f.state };
    }
    case 'INSIGHT_ACCEPTED':
    case 'INSIGHT_REJECTED': {
      const f = dto as unknown as InsightVerdictFields;
      return f.action != null
        ? { type, interactionId: f.interactionId, insightId: f.insightId, action: f.action }
        : { type, interactionId: f.interactionId, insightId: f.insightId };
    }
    case 'INTERACTION_ENDED':
      return { type, interactionId: dto.interactionId as string };
  }
}
