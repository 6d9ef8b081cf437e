import { defer, EMPTY, type MonoTypeOperatorFunction, timeout } from 'rxjs';
import type { Utterance } from '../domain/utterance.js';

/**
 * Cuts a step short once its card could no longer arrive in time to help (CARD_DEADLINE_MS after the
 * utterance's flush trigger): a late card is worse than none. `onLate` counts and logs the drop.
 */
export function withinCardDeadline<T>(
  utterance: Utterance,
  deadlineMs: number,
  onLate: () => void,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    defer(() =>
      source.pipe(
        timeout({
          first: Math.max(utterance.flushedAt + deadlineMs - Date.now(), 0),
          with: () => {
            onLate();
            return EMPTY;
          },
        }),
      ),
    );
}
