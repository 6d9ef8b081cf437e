import { MAX_SHORT_STRING_CHARS, NO_CONTROL_CHARS, type FieldLimits } from './stream-event.dto.js';
import { SPEAKERS, type StreamEventType } from '../domain/events.js';

/**
 * The rules of `stream-event.dto.ts`, written out as plain checks for the stream's hot path.
 *
 * class-validator walks its metadata storage for every frame (~6% of the service's CPU under load,
 * `npm run bench -- --mode compare --cpu-prof`). These functions check the same rules with the same
 * outcome: `stream-frame.rules.spec.ts` runs both on generated frames and requires identical verdicts
 * and identical failing property names. The DTOs stay the declaration; change both together.
 */

/** The names of the failing properties of a frame's known fields, sorted and comma-joined, or undefined. */
export type FrameFieldCheck = (fields: Readonly<Record<string, unknown>>) => string | undefined;

export type FrameFieldChecks = { readonly [K in StreamEventType]: FrameFieldCheck };

const VARIATION_SELECTED = /[^\uFE0F\uFE0E][\uFE0F\uFE0E]/g;
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * class-validator's `@Length` (validator.js `isLength`): a surrogate pair and a character with its
 * variation selector each count once. That count lies between a third of `length` and `length`, so the
 * two regexes only run for strings near a bound.
 */
function lengthWithin(value: string, min: number, max: number): boolean {
  const units = value.length;
  if (units <= max && units >= 3 * min) return true;
  const folded = (value.match(VARIATION_SELECTED)?.length ?? 0) + (value.match(SURROGATE_PAIR)?.length ?? 0);
  const counted = units - folded;
  return counted >= min && counted <= max;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isAbsent = (value: unknown): boolean => value === undefined || value === null;

function idRule(maxIdChars: number) {
  return (value: unknown): boolean =>
    isString(value) && lengthWithin(value, 1, maxIdChars) && NO_CONTROL_CHARS.test(value);
}

function isTimestamp(value: unknown): boolean {
  return (
    (isString(value) && value.length <= MAX_SHORT_STRING_CHARS) || (typeof value === 'number' && Number.isFinite(value))
  );
}

function isSequence(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER;
}

const isSpeaker = (value: unknown): boolean => value === SPEAKERS[0] || value === SPEAKERS[1];

/** Builds the checks for these limits; build once per parser, never per frame. */
export function compileFrameFieldChecks({ maxIdChars, maxTextChars }: FieldLimits): FrameFieldChecks {
  const isId = idRule(maxIdChars);

  const fragment: FrameFieldCheck = (f) => {
    let failed: string[] | undefined;
    const fail = (name: string) => (failed ??= []).push(name);
    if (!isId(f.interactionId)) fail('interactionId');
    if (!isAbsent(f.sequence) && !isSequence(f.sequence)) fail('sequence');
    if (!isAbsent(f.speaker) && !isSpeaker(f.speaker)) fail('speaker');
    if (!(isString(f.text) && lengthWithin(f.text, 0, maxTextChars))) fail('text');
    if (!isAbsent(f.timestamp) && !isTimestamp(f.timestamp)) fail('timestamp');
    return failed?.join(',');
  };

  const dialogState: FrameFieldCheck = (f) => {
    let failed: string[] | undefined;
    const fail = (name: string) => (failed ??= []).push(name);
    if (!isId(f.interactionId)) fail('interactionId');
    if (!(isString(f.state) && lengthWithin(f.state, 1, MAX_SHORT_STRING_CHARS))) fail('state');
    return failed?.join(',');
  };

  const verdict: FrameFieldCheck = (f) => {
    let failed: string[] | undefined;
    const fail = (name: string) => (failed ??= []).push(name);
    if (!isAbsent(f.action) && !(isString(f.action) && lengthWithin(f.action, 0, MAX_SHORT_STRING_CHARS))) {
      fail('action');
    }
    if (!isId(f.insightId)) fail('insightId');
    if (!isId(f.interactionId)) fail('interactionId');
    return failed?.join(',');
  };

  const ended: FrameFieldCheck = (f) => (isId(f.interactionId) ? undefined : 'interactionId');

  return {
    TRANSCRIPT_FRAGMENT: fragment,
    DIALOG_STATE: dialogState,
    INSIGHT_ACCEPTED: verdict,
    INSIGHT_REJECTED: verdict,
    INTERACTION_ENDED: ended,
  };
}
