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
