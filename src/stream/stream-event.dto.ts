import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy } from 'class-validator';

import type { FrameLimits } from './stream-frame.types.js';
import { SPEAKERS, type StreamEventType } from '../domain/events.js';

/**
 * class-validator DTOs for the frames of the CXone Agent Assist stream (see shared CONTRACT.md): the
 * declaration of the field rules. The parser checks frames with `stream-frame.rules.ts`, the same rules
 * written out for the hot path; its spec holds the two to identical verdicts on generated frames.
 *
 * The maximum lengths of ids and transcript text are configurable (`FrameLimits`), and decorators take
 * constants, so the classes are built by a factory: once per distinct pair of limits, never per frame.
 * `createStreamEventDtos` caches what it built, so constructing many parsers with the same limits does
 * not grow class-validator's global metadata storage.
 */

/** Only the limits that shape field validation. */
export type FieldLimits = Pick<FrameLimits, 'maxIdChars' | 'maxTextChars'>;

/** Longest `state`, `action` and string `timestamp` accepted. */
export const MAX_SHORT_STRING_CHARS = 64;

/** C0 control characters and DEL. */
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/;

/** `timestamp`: a string of at most 64 characters, or a finite number. */
function IsTimestamp(): PropertyDecorator {
  return ValidateBy({
    name: 'isTimestamp',
    validator: {
      validate: (value: unknown): boolean =>
        (typeof value === 'string' && value.length <= MAX_SHORT_STRING_CHARS) ||
        (typeof value === 'number' && Number.isFinite(value)),
      defaultMessage: () => '$property must be a string of at most 64 characters or a finite number',
    },
  });
}

/** Fields of each event type, as read from the wire (before any normalisation). */
export interface TranscriptFragmentFields {
  interactionId: string;
  text: string;
  speaker?: (typeof SPEAKERS)[number] | null;
  timestamp?: string | number | null;
  sequence?: number | null;
}
export interface DialogStateFields {
  interactionId: string;
  state: string;
}
export interface InsightVerdictFields {
  interactionId: string;
  insightId: string;
  action?: string | null;
}
export interface InteractionEndedFields {
  interactionId: string;
}

/** The DTO class to validate each event type against. */
export interface StreamEventDtos {
  TRANSCRIPT_FRAGMENT: new () => TranscriptFragmentFields;
  DIALOG_STATE: new () => DialogStateFields;
  INSIGHT_ACCEPTED: new () => InsightVerdictFields;
  INSIGHT_REJECTED: new () => InsightVerdictFields;
  INTERACTION_ENDED: new () => InteractionEndedFields;
}

/** Property names each DTO knows; anything else on a frame is dropped before validation. */
export const EVENT_FIELDS: { readonly [K in StreamEventType]: readonly string[] } = {
  TRANSCRIPT_FRAGMENT: ['interactionId', 'text', 'speaker', 'timestamp', 'sequence'],
  DIALOG_STATE: ['interactionId', 'state'],
  INSIGHT_ACCEPTED: ['interactionId', 'insightId', 'action'],
  INSIGHT_REJECTED: ['interactionId', 'insightId', 'action'],
  INTERACTION_ENDED: ['interactionId'],
};

function buildDtos({ maxIdChars, maxTextChars }: FieldLimits): StreamEventDtos {
  /** Every event names its interaction: a non-empty id without control characters. */
  class InteractionEventDto {
    @IsString()
    @Length(1, maxIdChars)
    @Matches(NO_CONTROL_CHARS)
    interactionId!: string;
  }

  class TranscriptFragmentDto extends InteractionEventDto implements TranscriptFragmentFields {
    /** May be empty; control characters are replaced by the parser after validation. */
    @IsString()
    @Length(0, maxTextChars)
    text!: string;

    @IsOptional()
    @IsIn(SPEAKERS)
    speaker?: (typeof SPEAKERS)[number] | null;

    @IsOptional()
    @IsTimestamp()
    timestamp?: string | number | null;

    @IsOptional()
    @IsInt()
    @Min(0)
    @Max(Number.MAX_SAFE_INTEGER)
    sequence?: number | null;
  }

  class DialogStateDto extends InteractionEventDto implements DialogStateFields {
    @IsString()
    @Length(1, MAX_SHORT_STRING_CHARS)
    state!: string;
  }

  class InsightVerdictDto extends InteractionEventDto implements InsightVerdictFields {
    /** Also an id that ends up in logs and the feedback store: no control characters either. */
    @IsString()
    @Length(1, maxIdChars)
    @Matches(NO_CONTROL_CHARS)
    insightId!: string;

    @IsOptional()
    @IsString()
    @Length(0, MAX_SHORT_STRING_CHARS)
    action?: string | null;
  }

  class InteractionEndedDto extends InteractionEventDto implements InteractionEndedFields {}

  return {
    TRANSCRIPT_FRAGMENT: TranscriptFragmentDto,
    DIALOG_STATE: DialogStateDto,
    INSIGHT_ACCEPTED: InsightVerdictDto,
    INSIGHT_REJECTED: InsightVerdictDto,
    INTERACTION_ENDED: InteractionEndedDto,
  };
}

const dtoCache = new Map<string, StreamEventDtos>();

/** The DTO classes for these limits, built once per distinct pair of limits. */
export function createStreamEventDtos(limits: FieldLimits): StreamEventDtos {
  const key = `${limits.maxIdChars}:${limits.maxTextChars}`;
  let dtos = dtoCache.get(key);
  if (!dtos) {
    dtos = buildDtos(limits);
    dtoCache.set(key, dtos);
  }
  return dtos;
}
