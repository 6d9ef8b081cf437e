import type { CaseFilter } from '../feedback/learning/learned-verdicts.store.js';
import type { Lesson } from '../feedback/learning/shared-lessons.js';

/** Far above any lesson (16 terms, an id): a larger message is not one of ours and is not parsed. */
const MAX_LESSON_BYTES = 16 * 1024;
const MAX_TERMS = 64;

/**
 * A lesson read back from the cluster's log, checked field by field: the log is shared by every replica
 * and by the operator's CLI, so one bad message is skipped (and counted) rather than stored.
 */
export function parseLesson(text: string): Lesson | undefined {
  if (text.length > MAX_LESSON_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const lesson = value as Record<string, unknown>;
  const at = lesson.at;
  if (typeof at !== 'number' || !Number.isFinite(at)) return undefined;

  if (lesson.kind === 'verdict') {
    const { terms, articleId, verdict } = lesson;
    if (!Array.isArray(terms) || terms.length === 0 || terms.length > MAX_TERMS) return undefined;
    if (!terms.every((term) => typeof term === 'string' && term.length > 0 && !term.includes(' '))) return undefined;
    if (typeof articleId !== 'string' || articleId.length === 0) return undefined;
    if (verdict !== 'ACCEPTED' && verdict !== 'REJECTED') return undefined;
    return { kind: 'verdict', terms: terms as string[], articleId, verdict, at };
  }

  if (lesson.kind === 'reset') {
    const filter = lesson.filter;
    if (typeof filter !== 'object' || filter === null) return undefined;
    const { articleId, term } = filter as Record<string, unknown>;
    if (!optionalString(articleId) || !optionalString(term)) return undefined;
    const parsed: CaseFilter = {};
    if (articleId !== undefined) parsed.articleId = articleId;
    if (term !== undefined) parsed.term = term;
    return { kind: 'reset', filter: parsed, at };
  }
  return undefined;
}

function optionalString(value: unknown): value is string | undefined {
  return value === undefined || (typeof value === 'string' && value.length > 0);
}

/** One message of a snapshot: cases as rows [terms joined by spaces, article, accepted, rejected, updatedAt]. */
export interface SnapshotPart {
  id: string;
  asOf: number;
  part: number;
  parts: number;
  cases: [string, string, number, number, number][];
}

/** NATS's default maximum payload: nothing larger is one of ours. */
const MAX_PART_BYTES = 1024 * 1024;
const decoder = new TextDecoder();

/** A snapshot message read back, checked field by field; undefined when it is not one. */
export function parseSnapshotPart(data: Uint8Array): SnapshotPart | undefined {
  if (data.length > MAX_PART_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, asOf, part, parts, cases } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !isCount(asOf) || !isCount(part) || !isCount(parts) || part >= parts) return undefined;
  if (!Array.isArray(cases) || !cases.every(isCaseRow)) return undefined;
  return { id, asOf, part, parts, cases };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isCaseRow(row: unknown): row is SnapshotPart['cases'][number] {
  if (!Array.isArray(row) || row.length !== 5) return false;
  const [terms, articleId, accepted, rejected, updatedAt] = row as unknown[];
  return (
    typeof terms === 'string' &&
    terms.length > 0 &&
    terms.split(' ').length <= MAX_TERMS &&
    typeof articleId === 'string' &&
    articleId.length > 0 &&
    isCount(accepted) &&
    isCount(rejected) &&
    isCount(updatedAt)
  );
}
