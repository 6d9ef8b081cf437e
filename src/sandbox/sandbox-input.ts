import { BadRequestException } from '@nestjs/common';

/** Limits of what the preview's control endpoints accept (Express's JSON parser caps bodies at 100 kB). */
export const INPUT_LIMITS = { utteranceChars: 1000, idChars: 64, faultCountMax: 100 } as const;

const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

export interface UtteranceInput {
  interactionId?: string;
  text: string;
}

export interface VerdictInput {
  interactionId: string;
  insightId: string;
  verdict: 'ACCEPTED' | 'REJECTED';
}

export function parseUtterance(body: unknown): UtteranceInput {
  const fields = object(body);
  const text = fields.text;
  if (typeof text !== 'string' || !text.trim()) throw new BadRequestException('text must be a non-empty string');
  if (text.length > INPUT_LIMITS.utteranceChars) {
    throw new BadRequestException(`text must be at most ${INPUT_LIMITS.utteranceChars} characters`);
  }
  if (fields.interactionId === undefined || fields.interactionId === '') return { text };
  return { interactionId: id(fields.interactionId, 'interactionId'), text };
}

export function parseVerdict(body: unknown): VerdictInput {
  const fields = object(body);
  if (fields.verdict !== 'ACCEPTED' && fields.verdict !== 'REJECTED') {
    throw new BadRequestException('verdict must be ACCEPTED or REJECTED');
  }
  return {
    interactionId: id(fields.interactionId, 'interactionId'),
    insightId: id(fields.insightId, 'insightId'),
    verdict: fields.verdict,
  };
}

/** Optional `{count}` of a fault: how many requests it answers. */
export function parseFaultCount(body: unknown): number | undefined {
  const count = body === undefined || body === null ? undefined : object(body).count;
  if (count === undefined) return undefined;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > INPUT_LIMITS.faultCountMax) {
    throw new BadRequestException(`count must be an integer from 1 to ${INPUT_LIMITS.faultCountMax}`);
  }
  return count;
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function id(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value || value.length > INPUT_LIMITS.idChars || !ID_PATTERN.test(value)) {
    throw new BadRequestException(`${name} must be 1-${INPUT_LIMITS.idChars} characters of A-Z a-z 0-9 . _ : -`);
  }
  return value;
}
