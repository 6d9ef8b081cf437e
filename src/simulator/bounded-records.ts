/** Records kept per list; older ones are dropped so a long sandbox run stays bounded. */
export const RECORD_LIMIT = 10_000;

/** Appends in place (tests may hold a reference to the list) and drops the oldest beyond `limit`. */
export function appendBounded<T>(list: T[], item: T, limit = RECORD_LIMIT): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
